// The LKE worksheet saves itself (issue 21). Each item's form is saved on its own, a moment after
// the last keystroke or at once when an option is chosen; its status line says what happened
// ("Menyimpan…", "Tersimpan", "Gagal — coba lagi"). Leaving the page with input not yet saved asks
// first. Without JavaScript each item still has its own "Simpan" button (a plain POST).
//
// The server answers a save with the item re-rendered (and, out of band, the scores and counters
// around it). The item is swapped in only when nothing was typed since the save left, so no keystroke
// is ever overwritten; the focused field and its caret are put back after the swap.
(function () {
  "use strict";
  const DELAY = 800; // ms after the last keystroke
  const texts = {};
  const forms = new Map(); // soal number → state

  function text(name) {
    return texts[name] || name;
  }

  function stateOf(form) {
    const key = form.getAttribute("data-autosave");
    let state = forms.get(key);
    if (!state) {
      state = { seq: 0, sent: 0, timer: null, inflight: false, status: "clean" };
      forms.set(key, state);
    }
    return state;
  }

  function setStatus(form, status, message) {
    const state = stateOf(form);
    state.status = status;
    const line = form.querySelector("[data-save-status]");
    if (!line) return;
    line.setAttribute("data-state", status);
    const label = line.querySelector("[data-save-label]");
    if (label) label.textContent = message || text(status);
    const retry = form.querySelector("[data-save-retry]");
    if (retry) retry.hidden = status !== "failed";
  }

  function formFor(key) {
    return document.querySelector('form[data-autosave="' + key + '"]');
  }

  function schedule(form, delay) {
    const state = stateOf(form);
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      save(form.getAttribute("data-autosave"));
    }, delay);
  }

  function swapOutOfBand(doc) {
    doc.querySelectorAll("[hx-swap-oob]").forEach(function (node) {
      const current = node.id && document.getElementById(node.id);
      if (current) {
        node.removeAttribute("hx-swap-oob");
        current.replaceWith(node);
      }
    });
  }

  function swapItem(form, article) {
    const old = form.closest("article");
    const active = document.activeElement;
    const focusId = active && old.contains(active) ? active.id : null;
    let start = null;
    let end = null;
    try {
      start = active.selectionStart;
      end = active.selectionEnd;
    } catch (e) {
      // radios and buttons have no caret
    }
    old.replaceWith(article);
    if (window.htmx) window.htmx.process(article);
    if (focusId) {
      const again = document.getElementById(focusId);
      if (again) {
        again.focus();
        if (start !== null && typeof again.setSelectionRange === "function") {
          try {
            again.setSelectionRange(start, end);
          } catch (e) {
            // not a text field
          }
        }
      }
    }
  }

  function save(key) {
    const form = formFor(key);
    if (!form) return;
    const state = stateOf(form);
    clearTimeout(state.timer);
    if (state.inflight) {
      state.again = true;
      return;
    }
    if (state.seq === state.sent && state.status !== "failed") return;
    const seq = state.seq;
    state.inflight = true;
    state.again = false;
    setStatus(form, "saving");
    const body = new FormData(form);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-ZI-Autosave": "1" },
    })
      .then(function (response) {
        if (!response.ok && response.status !== 400 && response.status !== 409) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        state.inflight = false;
        const doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
        const article = doc.querySelector("article");
        const fresh = article && article.querySelector("form[data-autosave]");
        swapOutOfBand(doc);
        const current = formFor(key);
        if (state.seq !== seq) {
          // Typed meanwhile: keep the inputs, take the new version, save again.
          if (fresh && current) {
            const version = fresh.querySelector('input[name$="-version"]');
            const mine = current.querySelector('input[name$="-version"]');
            if (version && mine && fresh.getAttribute("data-save-state") === "saved") mine.value = version.value;
          }
          state.sent = seq;
          schedule(current || form, 0);
          return;
        }
        state.sent = seq;
        if (article && current) swapItem(current, article);
        const now = formFor(key);
        if (!now) return;
        const outcome = now.getAttribute("data-save-state");
        if (outcome === "saved") setStatus(now, "saved");
        else if (outcome === "conflict") setStatus(now, "conflict");
        else setStatus(now, "invalid");
        if (state.again) schedule(now, 0);
      })
      .catch(function () {
        state.inflight = false;
        state.sent = seq;
        const now = formFor(key) || form;
        setStatus(now, "failed");
      });
  }

  function pending() {
    let count = 0;
    forms.forEach(function (state) {
      if (state.seq !== state.sent || state.inflight || ["dirty", "failed", "invalid", "conflict"].includes(state.status)) count += 1;
    });
    return count;
  }

  function changed(event) {
    const form = event.target.closest && event.target.closest("form[data-autosave]");
    if (!form || event.target.type === "file") return;
    const state = stateOf(form);
    state.seq += 1;
    if (state.status === "conflict") {
      // Someone else saved this item meanwhile: never overwrite their answer by a keystroke; the
      // person reads theirs and presses "Simpan" to replace it deliberately.
      return;
    }
    setStatus(form, "dirty");
    // A chosen option is a finished answer; typing goes on, so wait for a pause.
    schedule(form, event.target.type === "radio" ? 0 : DELAY);
  }

  document.addEventListener("DOMContentLoaded", function () {
    const source = document.getElementById("ws-autosave");
    if (!source) return;
    ["dirty", "saving", "saved", "failed", "invalid", "conflict", "leave"].forEach(function (name) {
      texts[name] = source.getAttribute("data-" + name);
    });
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      const line = form.querySelector("[data-save-status]");
      if (line && line.getAttribute("data-state")) stateOf(form).status = line.getAttribute("data-state");
    });
    document.addEventListener("input", changed);
    document.addEventListener("change", function (event) {
      if (event.target.type === "radio") changed(event);
    });
    // Enter in a field or the item's own button: save now, the same way.
    document.addEventListener("submit", function (event) {
      const form = event.target.closest("form[data-autosave]");
      if (!form) return;
      event.preventDefault();
      const state = stateOf(form);
      if (state.seq === state.sent) state.seq += 1; // an explicit save always goes out
      save(form.getAttribute("data-autosave"));
    });
    document.addEventListener("click", function (event) {
      const retry = event.target.closest("[data-save-retry]");
      if (!retry) return;
      const form = retry.closest("form[data-autosave]");
      if (form) {
        event.preventDefault();
        stateOf(form).seq += 1;
        save(form.getAttribute("data-autosave"));
      }
    });
    window.addEventListener("beforeunload", function (event) {
      if (!pending()) return undefined;
      forms.forEach(function (state, key) {
        if (state.seq !== state.sent) save(key);
      });
      event.preventDefault();
      event.returnValue = text("leave");
      return text("leave");
    });
  });
})();
