/*
 * LakeSail Console behaviour. Loaded in <head> without defer so the theme is applied before the
 * first paint; everything that needs the DOM waits for DOMContentLoaded. No inline handlers
 * anywhere (strict CSP): pages opt in with data attributes.
 *
 *   <html data-theme-choice="light|dark|system">   theme; "system" follows prefers-color-scheme live
 *   <form data-theme-form>                          theme picker; applied at once, saved in the background
 *   <input data-page-search>                        focused by "/"
 *   <details data-menu>                             closed by Esc and by a click outside
 *   <button command="show-modal" commandfor="id">   opens a <dialog> (polyfilled where unsupported)
 *   <div class="toast" data-autohide>               disappears after a few seconds
 *   <button data-toast-dismiss>                     closes its toast
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var darkQuery = window.matchMedia("(prefers-color-scheme: dark)");
  root.classList.add("js");

  // --- Theme -------------------------------------------------------------------------------
  function applyTheme(choice) {
    var resolved = choice === "system" ? (darkQuery.matches ? "dark" : "light") : choice;
    root.setAttribute("data-theme-choice", choice);
    root.setAttribute("data-bs-theme", resolved);
  }

  applyTheme(root.getAttribute("data-theme-choice") || "system");
  darkQuery.addEventListener("change", function () {
    if (root.getAttribute("data-theme-choice") === "system") applyTheme("system");
  });

  function onThemeSubmit(event) {
    var form = event.target.closest("form[data-theme-form]");
    if (!form || !event.submitter || !event.submitter.value) return;
    event.preventDefault();
    var choice = event.submitter.value;
    applyTheme(choice);
    form.querySelectorAll("button[name=theme]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.value === choice));
    });
    var data = new FormData(form);
    data.set("theme", choice);
    // The server answers with a redirect and the cookie; there is nothing to follow.
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" });
  }

  // --- Keyboard: "/" to search, Esc to close menus --------------------------------------------
  function isTyping(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function onKeydown(event) {
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target)) {
      var search = document.querySelector("[data-page-search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    } else if (event.key === "Escape") {
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        menu.open = false;
        var summary = menu.querySelector("summary");
        if (summary && menu.contains(document.activeElement)) summary.focus();
      });
      document.querySelectorAll("dialog[open]:not(:modal)").forEach(function (dialog) {
        dialog.close();
      });
    }
  }

  function onDocumentClick(event) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
    // Invoker commands (command/commandfor) for browsers that do not have them natively.
    if (!("commandForElement" in HTMLButtonElement.prototype)) {
      var invoker = event.target.closest("button[commandfor][command]");
      var dialog = invoker && document.getElementById(invoker.getAttribute("commandfor"));
      if (dialog && dialog.tagName === "DIALOG") {
        var command = invoker.getAttribute("command");
        if (command === "show-modal") dialog.showModal();
        else if (command === "close") dialog.close();
        else if (command === "request-close") dialog.requestClose ? dialog.requestClose() : dialog.close();
      }
    }
    var dismiss = event.target.closest("[data-toast-dismiss]");
    if (dismiss) removeToast(dismiss.closest(".toast"));
  }

  // --- Toasts ------------------------------------------------------------------------------------
  var TOAST_MS = 6000;

  function removeToast(toast) {
    if (!toast || toast.classList.contains("is-leaving")) return;
    toast.classList.add("is-leaving");
    window.setTimeout(function () {
      toast.remove();
    }, 220);
  }

  function armToast(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = "1";
    if (!toast.hasAttribute("data-autohide")) return;
    var timer = null;
    var start = function () {
      timer = window.setTimeout(function () {
        removeToast(toast);
      }, TOAST_MS);
    };
    var stop = function () {
      window.clearTimeout(timer);
    };
    toast.addEventListener("mouseenter", stop);
    toast.addEventListener("focusin", stop);
    toast.addEventListener("mouseleave", start);
    toast.addEventListener("focusout", start);
    start();
  }

  function armToasts(scope) {
    (scope || document).querySelectorAll(".toast").forEach(armToast);
  }

  // A toast made here, for failures that have no server-rendered fragment to show.
  function showToast(text, tone) {
    var region = document.getElementById("toasts");
    var template = document.getElementById("toast-template");
    if (!region || !template) return;
    var toast = template.content.firstElementChild.cloneNode(true);
    toast.classList.add("tone-" + (tone || "danger"));
    toast.querySelector(".toast-text").textContent = text;
    region.appendChild(toast);
    armToast(toast);
  }

  // --- htmx --------------------------------------------------------------------------------------
  var inFlight = 0;

  function onHtmxBefore() {
    inFlight += 1;
    root.classList.add("is-loading");
  }

  function onHtmxAfter() {
    inFlight = Math.max(0, inFlight - 1);
    if (!inFlight) root.classList.remove("is-loading");
  }

  // The server names what went wrong (console.middleware.toast): a toast, and the form's own alert region.
  function onConsoleMessage(event) {
    var detail = event.detail || {};
    if (!detail.text) return;
    showToast(detail.text, detail.tone);
    var alert = detail.alert && document.getElementById(detail.alert + "-alert");
    if (alert) {
      (alert.querySelector("[data-alert-text]") || alert).textContent = detail.text;
      alert.hidden = false;
    }
  }

  function onHtmxResponseError(event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 503 || xhr.status === 422) return; // swapped in place (retry fragment, form errors)
    if ((xhr.getResponseHeader("HX-Trigger") || "").indexOf("console:message") !== -1) return; // said already
    if (xhr.status === 429) {
      var wait = xhr.getResponseHeader("Retry-After");
      showToast("Too many requests. Try again" + (wait ? " in " + wait + " seconds." : " shortly."), "warning");
    } else if (xhr.status === 403) {
      showToast("You don't have permission to do that.", "danger");
    } else if (xhr.status === 404) {
      showToast("That item no longer exists. Reload the page to see the current state.", "warning");
    } else {
      showToast("Something went wrong (" + xhr.status + "). Reload the page and try again.", "danger");
    }
  }

  // GET requests from filter forms leave out empty fields, so URLs carry only what is set.
  function onConfigRequest(event) {
    if (event.detail.verb !== "get") return;
    var params = event.detail.parameters;
    var keys = params instanceof FormData ? Array.from(params.keys()) : Object.keys(params);
    keys.forEach(function (key) {
      var value = params instanceof FormData ? params.get(key) : params[key];
      if (value === "" || value === null) {
        if (params instanceof FormData) params.delete(key);
        else delete params[key];
      }
    });
  }

  // Busy state on every submit: the form is marked busy and its submit buttons wait, so nothing is sent twice.
  function setBusy(form, busy) {
    if (!form || form.tagName !== "FORM") return;
    form.toggleAttribute("aria-busy", busy);
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
      if (busy) {
        button.dataset.wasDisabled = button.disabled ? "1" : "";
        button.disabled = true;
      } else if (!button.dataset.wasDisabled) {
        button.disabled = false;
      }
    });
  }

  function onPlainSubmit(event) {
    var form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post" || form.hasAttribute("hx-post")) return;
    // After the browser has taken the submitter's value, so the pressed button still counts.
    window.setTimeout(function () {
      setBusy(form, true);
    }, 0);
  }

  function onHtmxSendError() {
    showToast("The console could not be reached. Check your connection and try again.", "danger");
  }

  // --- Wiring --------------------------------------------------------------------------------------
  document.addEventListener("submit", onThemeSubmit);
  document.addEventListener("submit", onPlainSubmit);
  // A page restored from the back/forward cache must not keep its buttons disabled.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[aria-busy]").forEach(function (form) {
      setBusy(form, false);
    });
  });
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("click", onDocumentClick);
  document.addEventListener("DOMContentLoaded", function () {
    armToasts(document);
    document.body.addEventListener("htmx:beforeRequest", onHtmxBefore);
    document.body.addEventListener("htmx:afterRequest", onHtmxAfter);
    document.body.addEventListener("htmx:configRequest", onConfigRequest);
    document.body.addEventListener("console:message", onConsoleMessage);
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.requestConfig && event.detail.requestConfig.verb !== "get") setBusy(event.detail.elt, true);
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      setBusy(event.detail.elt, false);
    });
    document.body.addEventListener("htmx:responseError", onHtmxResponseError);
    document.body.addEventListener("htmx:sendError", onHtmxSendError);
    document.body.addEventListener("htmx:load", function (event) {
      armToasts(event.detail.elt.parentNode || document);
    });
  });
})();

// --- Sign-in and account (issue 3): copy a block of text (recovery codes) to the clipboard. -----------
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button || !navigator.clipboard) return;
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) return;
    var text = Array.prototype.map.call(source.querySelectorAll("code"), function (node) { return node.textContent; }).join("\n");
    navigator.clipboard.writeText(text || source.textContent).then(function () {
      button.textContent = button.getAttribute("data-copied-label") || "Copied";
    });
  });
})();

/*
 * Members screens (issue 4): row selection with a bulk bar, and dialogs filled by htmx.
 *
 *   <form data-bulk-form>            holds rows' <input data-select-row> and <input data-select-all>
 *   <div data-bulk-bar>              gets .is-active and "N selected" in its [data-bulk-count] while rows are selected
 *   <a|button data-dialog="id">      after its htmx request swaps, opens <dialog id="id"> as a modal
 *   <a data-dialog-close>            inside a dialog: closes it instead of following the link
 */
(function () {
  "use strict";

  function updateBulk(form) {
    var rows = form.querySelectorAll("input[data-select-row]");
    var checked = form.querySelectorAll("input[data-select-row]:checked").length;
    var bar = form.querySelector("[data-bulk-bar]");
    var all = form.querySelector("input[data-select-all]");
    if (all) {
      all.checked = checked > 0 && checked === rows.length;
      all.indeterminate = checked > 0 && checked < rows.length;
    }
    if (!bar) return;
    bar.classList.toggle("is-active", checked > 0);
    var count = bar.querySelector("[data-bulk-count]");
    if (count) {
      if (!count.dataset.idle) count.dataset.idle = count.textContent;
      count.textContent = checked ? checked + " selected" : count.dataset.idle;
    }
  }

  // The break-glass confirmation shows only while a break-glass role is chosen (always, without JavaScript).
  function updateBreakGlass(scope) {
    (scope || document).querySelectorAll(".break-glass-confirm").forEach(function (box) {
      var form = box.closest("form");
      var needed = form && form.querySelector("input[data-break-glass]:checked");
      box.classList.toggle("is-needed", Boolean(needed) || Boolean(box.querySelector(".is-invalid")));
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("input[data-break-glass]")) updateBreakGlass(event.target.closest("form"));
    var form = event.target.closest("form[data-bulk-form]");
    if (!form) return;
    if (event.target.matches("input[data-select-all]")) {
      form.querySelectorAll("input[data-select-row]").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    if (event.target.matches("input[data-select-row], input[data-select-all]")) updateBulk(form);
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest("dialog [data-dialog-close]");
    if (close) {
      event.preventDefault();
      close.closest("dialog").close();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    updateBreakGlass(document);
    document.body.addEventListener("htmx:afterSwap", function (event) {
      updateBreakGlass(document);
      var form = event.detail.target && event.detail.target.closest && event.detail.target.closest("form[data-bulk-form]");
      if (form) updateBulk(form);
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
      var id = trigger && trigger.getAttribute && trigger.getAttribute("data-dialog");
      var dialog = id && document.getElementById(id);
      if (dialog && dialog.tagName === "DIALOG" && !dialog.open) dialog.showModal();
    });
  });
})();

/* Notifications: an event shortcut ("member.any") ticks or clears the concrete event types it expands to. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var shortcut = event.target;
    if (!shortcut.matches || !shortcut.matches("input[data-expands]")) return;
    var form = shortcut.form;
    if (!form) return;
    shortcut.dataset.expands.split(" ").forEach(function (key) {
      form.querySelectorAll('input[name="event_types"]').forEach(function (box) {
        if (box.value === key) box.checked = shortcut.checked;
      });
    });
  });
})();
