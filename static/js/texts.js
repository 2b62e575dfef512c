// Texts for the page's scripts in the UI language. A template puts them in
// <script type="application/json" id="NAME-texts"> (data, not code: the CSP allows it);
// a script reads them with pageTexts("NAME-texts") and asks t(key, values, count).
(function () {
  "use strict";
  window.pageTexts = function (id) {
    var texts = {};
    var node = document.getElementById(id);
    if (node) {
      try { texts = JSON.parse(node.textContent); } catch (error) { texts = {}; }
    }
    // {name} in a text is replaced by values.name; a pair is [singular, plural], chosen by
    // count (n == 1 or not, the rule for both Swedish and English).
    return function (key, values, count) {
      var text = texts[key];
      if (Array.isArray(text)) { text = text[count === 1 ? 0 : 1]; }
      if (text === undefined || text === null) { return key; }
      return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
        return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
      });
    };
  };
})();
