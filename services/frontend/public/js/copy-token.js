// The "Copy" button beside a new API token: copies the field it names, says so, and falls back to selecting
// the text where the clipboard API is missing (plain HTTP other than localhost). Hidden without JavaScript.
(function () {
  'use strict';
  var buttons = document.querySelectorAll('button[data-copy-target]');
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute('data-copy-target'));
    if (!field) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      function done(text) {
        button.textContent = text;
        setTimeout(function () { button.textContent = 'Copy'; }, 2000);
      }
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { done('Copied'); },
          function () { done('Press Ctrl+C'); }
        );
      } else {
        done(document.execCommand && document.execCommand('copy') ? 'Copied' : 'Press Ctrl+C');
      }
    });
  });
})();
