// Package browser holds only tests: end-to-end checks that build the real workshop binary, start it
// on loopback with a fresh SQLite file, and drive headless Chromium through the pages with chromedp
// (accessibility with axe-core, page weight, small screens, stored XSS through the real forms,
// keyboard-only answering, slow networks and the live workshop). It has no non-test code.
//
// The tests skip when Chromium (or axe-core, for the accessibility checks) is not installed, and
// fail instead when WORKSHOP_REQUIRE_SERVICES=1. axe-core is read from $WORKSHOP_AXE or
// ~/.cache/workshop-axe/node_modules/axe-core/axe.min.js.
package browser
