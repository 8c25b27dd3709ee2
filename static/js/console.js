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

  function onHtmxResponseError(event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 503 || xhr.status === 422) return; // swapped in place (retry fragment, form errors)
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

  function onHtmxSendError() {
    showToast("The console could not be reached. Check your connection and try again.", "danger");
  }

  // --- Wiring --------------------------------------------------------------------------------------
  document.addEventListener("submit", onThemeSubmit);
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("click", onDocumentClick);
  document.addEventListener("DOMContentLoaded", function () {
    armToasts(document);
    document.body.addEventListener("htmx:beforeRequest", onHtmxBefore);
    document.body.addEventListener("htmx:afterRequest", onHtmxAfter);
    document.body.addEventListener("htmx:responseError", onHtmxResponseError);
    document.body.addEventListener("htmx:sendError", onHtmxSendError);
    document.body.addEventListener("htmx:load", function (event) {
      armToasts(event.detail.elt.parentNode || document);
    });
  });
})();
