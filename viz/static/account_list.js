/* The account list and the deals view: a changed choice in the filter form applies at once (the
   server sorts and filters the whole book; without this script the Apply button does the same). */
(function () {
  "use strict";
  const form = document.getElementById("filter-form");
  if (!form) return;
  Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
    select.addEventListener("change", function () { form.submit(); });
  });
  /* Empty fields mean "any": leave them out of the address so that links stay short. */
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && field.type !== "submit") field.disabled = true;
    });
  });
})();
