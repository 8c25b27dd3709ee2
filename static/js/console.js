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
 *   <el data-announce="13 members match, …">        swapped in by htmx: the text is read out (#announcer)
 *   <el data-swap-focus>                            takes focus after a swap that removed the focused control;
 *                                                   swapped in itself, it takes focus at once (a detail panel)
 *   <a data-clear-filter="name …" data-filters="id"> a filter chip: clears those fields of the filter form and
 *                                                   submits it (htmx) instead of loading the page
 *   <div data-table> (components/table.html)        header texts copied onto the cells (phones show rows as cards)
 *   <a|button data-dialog="id">                     opens <dialog id="id"> at once, loading, and fills it by htmx
 *   <div data-error-summary>                        a form's error summary (autofocus): its links focus the
 *                                                   field they name
 *   <button commandfor="id" data-confirm-action      one confirm dialog for a list's rows: the row's URL and
 *     data-confirm-name>                            name go into <dialog id="id"> before it opens
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

  // Busy state on every submit: the form (or the button that posts on its own) is marked busy, the pressed
  // button spins, and every submit button waits, so nothing is sent twice.
  var busyFocus = null; // the submit button that had the focus when its form was made busy

  function setBusy(elt, busy, submitter) {
    if (!elt || !elt.tagName || (!busy && !elt.hasAttribute("aria-busy"))) return;
    var buttons =
      elt.tagName === "FORM"
        ? elt.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")
        : elt.tagName === "BUTTON" ? [elt] : [];
    if (elt.tagName === "FORM" || buttons.length) elt.toggleAttribute("aria-busy", busy);
    Array.prototype.forEach.call(buttons, function (button) {
      if (busy) {
        if (button === document.activeElement) busyFocus = button; // disabling it drops the focus to <body>
        button.dataset.wasDisabled = button.disabled ? "1" : "";
        button.disabled = true;
      } else if (!button.dataset.wasDisabled) {
        button.disabled = false;
      }
      button.classList.toggle("is-busy", busy && (button === submitter || button === elt));
    });
  }

  function onPlainSubmit(event) {
    var form = event.target;
    var submitter = event.submitter;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post" || form.hasAttribute("hx-post")) return;
    // A dialog's Cancel (formmethod=dialog) closes the dialog; nothing is sent.
    if (submitter && (submitter.getAttribute("formmethod") || "").toLowerCase() === "dialog") return;
    // After the browser has taken the submitter's value, so the pressed button still counts.
    window.setTimeout(function () {
      setBusy(form, true, submitter);
    }, 0);
  }

  function onHtmxBusy(event) {
    var config = event.detail.requestConfig;
    if (!config || config.verb === "get") return;
    var trigger = config.triggeringEvent;
    setBusy(event.detail.elt, true, trigger && trigger.submitter);
  }

  // --- Focus and announcements after a swap ------------------------------------------------------
  // htmx puts focus back on an element with the same id as the one focused before the swap. When that
  // control is gone (a removed filter chip), focus goes to the new content's [data-swap-focus] region, or
  // to the swapped element itself, never to <body>. A swapped element's data-announce is read out when the
  // user asked for the swap, or when it says something new (a poll that changed the count).
  var before = { focusIn: null, announce: null };

  function onBeforeSwap(event) {
    var target = event.detail.target;
    var active = document.activeElement;
    // A submit button that had the focus lost it when it was made busy: it still counts as where the user was.
    if ((!active || active === document.body) && busyFocus && document.contains(busyFocus)) active = busyFocus;
    busyFocus = null;
    before.focusIn = target && active && active !== document.body && target.contains(active) ? target.id : null;
    before.announce = target && target.getAttribute("data-announce");
  }

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) return;
    region.textContent = "";
    // Emptied first, so the same sentence twice is read twice.
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  function focusInto(elt) {
    var into = elt.matches("[data-swap-focus]") ? elt : elt.querySelector("[data-swap-focus]") || elt;
    if (into.tabIndex < 0 && !into.hasAttribute("tabindex")) into.setAttribute("tabindex", "-1");
    into.focus();
  }

  function onAfterSettle(event) {
    var elt = event.target;
    if (!elt || !elt.getAttribute) return;
    var config = event.detail.requestConfig || {};
    var text = elt.getAttribute("data-announce");
    if (text && (config.triggeringEvent || text !== before.announce)) announce(text);
    var lost = !document.activeElement || document.activeElement === document.body;
    if (elt.hasAttribute("data-swap-focus") || (lost && before.focusIn && elt.id === before.focusIn)) focusInto(elt);
    if (elt.id === before.focusIn) before.focusIn = null;
  }

  // --- Filter chips ---------------------------------------------------------------------------------
  // A chip clears its field in the filter form and submits the form, so the form and the list agree; the
  // link (the list without that filter) is the way without JavaScript, or when the field is not in the form.
  function onChipClick(event) {
    var chip = event.target.closest("a[data-clear-filter]");
    var form = chip && document.getElementById(chip.getAttribute("data-filters"));
    if (!form || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var fields = chip.getAttribute("data-clear-filter").trim().split(/\s+/).map(function (name) {
      return form.elements[name];
    });
    if (!fields.length || fields.some(function (field) { return !field; })) return;
    event.preventDefault();
    fields.forEach(function (field) {
      field.value = "";
    });
    window.htmx.trigger(form, "submit");
  }

  // --- Tables on phones -------------------------------------------------------------------------------
  // Each cell gets its column's name (the header's text without what only screen readers hear) as
  // data-label, and the actions column's cells a class, so the CSS can show every row as a card of
  // labelled values with its actions underneath.
  function headerText(th) {
    if (th.classList.contains("actions") || th.classList.contains("select-cell")) return "";
    var copy = th.cloneNode(true);
    copy.querySelectorAll(".visually-hidden").forEach(function (node) {
      node.remove();
    });
    return copy.textContent.trim();
  }

  function labelCells(scope) {
    var owner = scope.closest ? scope.closest("[data-table]") : null;
    var tables = owner ? [owner] : scope.querySelectorAll("[data-table]");
    Array.prototype.forEach.call(tables, function (card) {
      var heads = card.querySelectorAll("thead th");
      var labels = Array.prototype.map.call(heads, headerText);
      card.querySelectorAll("tbody > tr").forEach(function (row) {
        if (row.children.length !== heads.length) return; // a group row spanning the columns
        Array.prototype.forEach.call(row.children, function (cell, index) {
          var label = labels[index];
          if (label && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", label);
          if (heads[index].classList.contains("actions")) cell.classList.add("cell-actions");
        });
      });
    });
  }

  // A time stamp inside a link or a button is reached with it: only one of them is a tab stop.
  function untabNestedTimes(scope) {
    scope.querySelectorAll("a time[tabindex], button time[tabindex], summary time[tabindex]").forEach(function (time) {
      time.removeAttribute("tabindex");
    });
  }

  // --- Error summaries ----------------------------------------------------------------------------------
  function onSummaryLink(event) {
    var link = event.target.closest("[data-error-summary] a[data-field]");
    if (!link) return;
    var form = link.closest("form") || document;
    var field =
      document.getElementById(link.getAttribute("href").slice(1)) ||
      form.querySelector('[name="' + link.getAttribute("data-field") + '"]');
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  }

  function onHtmxSendError() {
    showToast("The console could not be reached. Check your connection and try again.", "danger");
  }

  // --- Dialogs filled by htmx ---------------------------------------------------------------------------
  // <a|button data-dialog="id" hx-get hx-target="#x">: the dialog opens at once on its loading indicator
  // (the content it had when the page loaded, put back on every opening), the form replaces it, and focus
  // goes to the form's [autofocus] or first field. A request that fails without content closes it again.
  // <a data-dialog-close> inside a dialog closes it instead of following the link.
  var placeholders = {};

  function dialogOf(trigger) {
    var id = trigger && trigger.getAttribute && trigger.getAttribute("data-dialog");
    var dialog = id && document.getElementById(id);
    return dialog && dialog.tagName === "DIALOG" ? dialog : null;
  }

  function onDialogTrigger(event) {
    var trigger = event.target.closest("[data-dialog]");
    var dialog = dialogOf(trigger);
    if (!dialog || dialog.open || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var selector = trigger.getAttribute("hx-target") || "";
    var target = selector.charAt(0) === "#" ? document.getElementById(selector.slice(1)) : null;
    if (target && dialog.contains(target)) {
      // Before htmx looks the target up (this listener runs in the capture phase), so it swaps the placeholder.
      if (placeholders[dialog.id] === undefined) placeholders[dialog.id] = target.outerHTML;
      else target.outerHTML = placeholders[dialog.id];
    }
    dialog.classList.add("is-loading");
    dialog.showModal();
  }

  function onDialogFilled(event) {
    var dialog = dialogOf(event.detail.requestConfig && event.detail.requestConfig.elt);
    if (!dialog) return;
    var wasLoading = dialog.classList.contains("is-loading");
    dialog.classList.remove("is-loading");
    // A dialog opened at the click and closed since stays closed; one that did not exist then opens now.
    if (!wasLoading && !dialog.open) dialog.showModal();
    if (!wasLoading || !dialog.open || dialog.querySelector("[data-error-summary]")) return;
    var field = dialog.querySelector("[autofocus], input:not([type=hidden]), select, textarea, button");
    if (field) field.focus();
  }

  function onDialogFailed(event) {
    var dialog = dialogOf(event.detail.elt);
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (!dialog || !dialog.classList.contains("is-loading") || status === 503) return;
    dialog.classList.remove("is-loading");
    if (dialog.open) dialog.close();
  }

  function onDialogClose(event) {
    var close = event.target.closest("dialog [data-dialog-close]");
    if (close) {
      event.preventDefault();
      close.closest("dialog").close();
    }
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
  document.addEventListener("click", onChipClick);
  document.addEventListener("click", onDialogTrigger, true);
  document.addEventListener("click", onDialogClose);
  document.addEventListener("click", onSummaryLink);
  document.addEventListener("DOMContentLoaded", function () {
    armToasts(document);
    labelCells(document);
    untabNestedTimes(document);
    document.body.addEventListener("htmx:beforeRequest", onHtmxBefore);
    document.body.addEventListener("htmx:afterRequest", onHtmxAfter);
    document.body.addEventListener("htmx:configRequest", onConfigRequest);
    document.body.addEventListener("console:message", onConsoleMessage);
    document.body.addEventListener("htmx:beforeRequest", onHtmxBusy);
    document.body.addEventListener("htmx:afterRequest", function (event) {
      setBusy(event.detail.elt, false);
    });
    document.body.addEventListener("htmx:beforeSwap", onBeforeSwap);
    document.body.addEventListener("htmx:afterSettle", onAfterSettle);
    document.body.addEventListener("htmx:afterSettle", onDialogFilled);
    document.body.addEventListener("htmx:responseError", onDialogFailed);
    document.body.addEventListener("htmx:sendError", onDialogFailed);
    document.body.addEventListener("htmx:responseError", onHtmxResponseError);
    document.body.addEventListener("htmx:sendError", onHtmxSendError);
    document.body.addEventListener("htmx:load", function (event) {
      armToasts(event.detail.elt.parentNode || document);
      labelCells(event.detail.elt);
      untabNestedTimes(event.detail.elt);
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
      // Says so on the button and to screen readers, then the button reads "Copy" again.
      if (!button.dataset.copyLabel) button.dataset.copyLabel = button.innerHTML;
      var copied = button.getAttribute("data-copied-label") || "Copied";
      button.textContent = copied;
      var region = document.getElementById("announcer");
      if (region) region.textContent = copied;
      window.clearTimeout(button.copyTimer);
      button.copyTimer = window.setTimeout(function () {
        button.innerHTML = button.dataset.copyLabel;
        if (region && region.textContent === copied) region.textContent = "";
      }, 2000);
    });
  });
})();

/*
 * Members screens (issue 4): row selection with a bulk bar.
 *
 *   <form data-bulk-form>            holds rows' <input data-select-row> and <input data-select-all>
 *   <div data-bulk-bar>              gets .is-active and "N selected" in its [data-bulk-count] while rows are selected
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

  document.addEventListener("DOMContentLoaded", function () {
    updateBreakGlass(document);
    document.body.addEventListener("htmx:afterSwap", function (event) {
      updateBreakGlass(document);
      var form = event.detail.target && event.detail.target.closest && event.detail.target.closest("form[data-bulk-form]");
      if (form) updateBulk(form);
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

// --- Navigation on narrow screens: the sidebar slides in over the page (Bootstrap's offcanvas-lg styles). --
// Bootstrap's JavaScript bundle is not loaded (it was 23 KB compressed for this alone). While it is open the
// rest of the page is inert, so keyboard and screen-reader users stay in the menu; Escape, the close
// button, the backdrop or a wide-enough window close it, and focus goes back to the toggle.
(function () {
  "use strict";
  var backdrop = null;

  function parts() {
    return {
      sidebar: document.getElementById("app-sidebar"),
      toggle: document.querySelector("[data-sidebar-toggle]"),
      page: document.querySelector(".app-main-column"),
    };
  }

  function open() {
    var p = parts();
    if (!p.sidebar || backdrop) return;
    backdrop = document.createElement("div");
    backdrop.className = "offcanvas-backdrop fade show";
    backdrop.addEventListener("click", close);
    document.body.appendChild(backdrop);
    p.sidebar.classList.add("show");
    p.sidebar.setAttribute("role", "dialog");
    p.sidebar.setAttribute("aria-modal", "true");
    p.toggle.setAttribute("aria-expanded", "true");
    if (p.page) p.page.inert = true;
    var first = p.sidebar.querySelector("[aria-current=page]") || p.sidebar.querySelector("a[href], button");
    if (first) first.focus();
  }

  function close() {
    var p = parts();
    if (!backdrop) return;
    backdrop.remove();
    backdrop = null;
    p.sidebar.classList.remove("show");
    p.sidebar.removeAttribute("role");
    p.sidebar.removeAttribute("aria-modal");
    p.toggle.setAttribute("aria-expanded", "false");
    if (p.page) p.page.inert = false;
    p.toggle.focus();
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-sidebar-toggle]")) open();
    else if (event.target.closest("[data-sidebar-close]")) close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && backdrop) close();
  });
  window.matchMedia("(min-width: 992px)").addEventListener("change", function (query) {
    if (query.matches) close();
  });
})();

// --- One confirm dialog for a list's rows (components/confirm_dialog.html) -----------------------------
// <button command="show-modal" commandfor="id" data-confirm-action="/url" data-confirm-name="…"> (the
// confirm_button tag): before the dialog opens (capture phase, ahead of the native command and the polyfill
// above), its form is pointed at the row's action and the row's name fills the dialog's [data-name-slot]
// spans, so a page draws one dialog instead of one per row. Without JavaScript the row's own <noscript>
// form is used.
(function () {
  "use strict";
  document.addEventListener(
    "click",
    function (event) {
      var invoker = event.target.closest && event.target.closest("button[data-confirm-action][commandfor]");
      var dialog = invoker && document.getElementById(invoker.getAttribute("commandfor"));
      if (!dialog || dialog.tagName !== "DIALOG") return;
      dialog.querySelector("form").setAttribute("action", invoker.getAttribute("data-confirm-action"));
      var name = invoker.getAttribute("data-confirm-name") || "";
      dialog.querySelectorAll("[data-name-slot]").forEach(function (slot) {
        slot.textContent = name;
      });
    },
    true,
  );

  // --- Notebook presence ----------------------------------------------------------------------------------
  // An open notebook's frame carries data-heartbeat-url: every data-heartbeat-seconds while the page is visible,
  // and at once when it becomes visible again, the console is told someone is looking (contract §3.18.9). A
  // hidden tab sends nothing, so the platform can find the notebook idle. A refused heartbeat (409: it is no
  // longer running) asks the page's state region to look again, which reloads the page with the news.
  function startHeartbeat() {
    var frame = document.querySelector("iframe[data-heartbeat-url]");
    if (!frame) return;
    var url = frame.getAttribute("data-heartbeat-url");
    var every = Math.max(Number(frame.getAttribute("data-heartbeat-seconds")) || 60, 0.2) * 1000;
    var token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
    var timer = null;
    function beat() {
      if (document.visibilityState !== "visible" || !frame.isConnected) return;
      fetch(url, { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin" }).then(
        function (response) {
          if (response.status === 409) document.body.dispatchEvent(new CustomEvent("notebook-changed"));
        },
        function () {},
      );
    }
    function schedule() {
      clearInterval(timer);
      if (document.visibilityState === "visible") timer = setInterval(beat, every);
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") beat();
      schedule();
    });
    schedule();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startHeartbeat);
  else startHeartbeat();
})();
