// ZI page behaviour. No inline scripts anywhere (CSP): behaviour hangs on data- attributes.
(function () {
  "use strict";

  // Buttons that ask first (deletes, withdrawals).
  document.addEventListener("click", function (event) {
    const target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });

  // Every POST form carries a random submission id: the server acts on it once, and a second send
  // (a double click, a resent form) lands where the first one did (apps/core/submissions.py).
  function newId() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function stamp(root) {
    root.querySelectorAll('form[method="post"]:not([data-autosave])').forEach(function (form) {
      let field = form.querySelector('input[name="_zi_submit"]');
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "_zi_submit";
        form.appendChild(field);
      }
      field.value = newId();
    });
  }

  function busy(form, submitter) {
    form.setAttribute("data-submitting", "");
    form.setAttribute("aria-busy", "true");
    const button = submitter || form.querySelector('[type="submit"]');
    if (button) button.setAttribute("aria-busy", "true");
    // A download (an export, a PDF) never leaves the page: give the buttons back after a while.
    setTimeout(function () {
      idle(form);
    }, 15000);
  }

  function idle(form) {
    form.removeAttribute("data-submitting");
    form.removeAttribute("aria-busy");
    form.querySelectorAll('[aria-busy="true"]').forEach(function (button) {
      button.removeAttribute("aria-busy");
    });
  }

  function text(form, name, fallback) {
    const source = document.getElementById("zi-texts");
    return (source && source.getAttribute("data-" + name)) || fallback;
  }

  // Uploads show their progress: the form is sent by script (same fields, same address) and a
  // progress bar follows the bytes; then the page goes where the server says.
  function upload(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.className = "zi-upload-progress";
    bar.setAttribute("aria-label", text(form, "uploading", "Uploading"));
    const label = document.createElement("small");
    label.className = "zi-upload-label";
    label.setAttribute("role", "status");
    const place = (submitter || form.querySelector('[type="submit"]') || form.lastElementChild).closest("div, p, form");
    place.after(bar, label);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-ZI-Progress", "1");
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      const percent = Math.round((event.loaded / event.total) * 100);
      bar.value = percent;
      label.textContent = text(form, "uploading", "Uploading") + " " + percent + "%";
    });
    xhr.upload.addEventListener("load", function () {
      bar.value = 100;
      label.textContent = text(form, "processing", "Processing…");
    });
    xhr.addEventListener("load", function () {
      const location = xhr.getResponseHeader("X-ZI-Location");
      if (location) {
        window.location.assign(location);
        return;
      }
      // The form again (with its errors) or another page: show it as the browser would have.
      const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      document.title = doc.title;
      document.body.replaceWith(document.adoptNode(doc.body));
      if (xhr.responseURL) window.history.replaceState(null, "", xhr.responseURL);
      stamp(document);
      if (window.htmx) window.htmx.process(document.body);
      window.scrollTo(0, 0);
    });
    xhr.addEventListener("error", function () {
      bar.remove();
      label.textContent = text(form, "upload-failed", "The upload failed. Check the connection and try again.");
      idle(form);
    });
    xhr.send(data);
  }

  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      if (event.defaultPrevented || form.hasAttribute("data-autosave")) return;
      if (form.hasAttribute("data-submitting")) {
        event.preventDefault(); // the first click is already on its way
        return;
      }
      busy(form, event.submitter);
      const method = (form.getAttribute("method") || "get").toLowerCase();
      const hasFile = Array.from(form.querySelectorAll('input[type="file"]')).some(function (input) {
        return input.files && input.files.length;
      });
      if (method === "post" && hasFile && !form.hasAttribute("hx-post") && window.FormData && window.XMLHttpRequest) {
        event.preventDefault();
        upload(form, event.submitter);
      }
    },
    false,
  );

  document.addEventListener("DOMContentLoaded", function () {
    stamp(document);
  });
  // Back to a page kept in the browser's memory: its forms are new sends, and idle again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    stamp(document);
    document.querySelectorAll("form[data-submitting]").forEach(idle);
  });
  // HTMX: fragments swapped in get their ids; HTMX forms show they are busy while their request runs.
  document.addEventListener("htmx:afterSettle", function (event) {
    stamp(event.target);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.target.closest && event.target.closest("form");
    if (form) idle(form);
  });
})();
