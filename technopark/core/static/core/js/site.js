// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", String(!open));
        nav.classList.toggle("is-open", !open);
      });
    }

    // Buttons that change something irreversible ask first: <button data-confirm="...">.
    document.addEventListener("click", function (event) {
      var target = event.target.closest("[data-confirm]");
      if (target && !window.confirm(target.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });

    // <button data-print> prints the page (claim slips); without JavaScript the browser's own Print works.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });

    // A registration form shows only the part for the chosen form (individual, team, class); without
    // JavaScript every part is shown and the server takes what applies.
    document.querySelectorAll("[data-registration-form]").forEach(function (form) {
      function update() {
        var chosen = form.querySelector("input[name=form]:checked");
        var value = chosen ? chosen.value : "individual";
        form.querySelectorAll("[data-for]").forEach(function (part) {
          part.hidden = part.getAttribute("data-for").split(" ").indexOf(value) === -1;
        });
      }
      form.addEventListener("change", update);
      update();
    });

    // Close an open dropdown when Escape is pressed or focus leaves it.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll("details.dropdown[open]").forEach(function (d) {
        d.removeAttribute("open");
        var summary = d.querySelector("summary");
        if (summary) summary.focus();
      });
    });
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.dropdown[open]").forEach(function (d) {
        if (!d.contains(event.target)) d.removeAttribute("open");
      });
    });
  });
})();
