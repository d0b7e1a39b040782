// ZI page behaviour. No inline scripts anywhere (CSP): behaviour hangs on data- attributes.
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
