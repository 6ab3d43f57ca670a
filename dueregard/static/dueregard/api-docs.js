// The API documentation page: two repairs to what Swagger UI draws, so the page passes axe.
// - Its title is a second <h1> under the page's own heading, followed by <h3> section
//   headings: present it as a level-2 heading, so the headings read in order.
// - Its introduction sits outside any landmark: name it as a region.
// - Its parameter drop-downs have no label, and its scrolling examples cannot be reached by
//   keyboard: label them from the parameter's name, and make the examples focusable.
"use strict";
new MutationObserver(function () {
  document.querySelectorAll("#swagger-ui h1, #swagger-ui h2.title").forEach(function (heading) {
    heading.setAttribute("role", "heading");
    heading.setAttribute("aria-level", "2");
  });
  document.querySelectorAll("#swagger-ui .information-container").forEach(function (block) {
    block.setAttribute("role", "region");
    block.setAttribute("aria-label", "About this API");
  });
  document.querySelectorAll("#swagger-ui tr[data-param-name] select").forEach(function (select) {
    if (!select.hasAttribute("aria-label")) {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    }
  });
  document.querySelectorAll("#swagger-ui pre").forEach(function (example) {
    example.setAttribute("tabindex", "0");
  });
}).observe(document.getElementById("swagger-ui"), { childList: true, subtree: true });
