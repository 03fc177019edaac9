// "Send a test": posts the form with fetch, then polls the delivery until it is delivered or failed.
(function () {
  'use strict';
  var forms = document.querySelectorAll('form.test-form');
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var item = form.closest('.channel');
      var result = item ? item.querySelector('.test-result') : null;
      var button = form.querySelector('button');
      function show(text, className) {
        if (!result) return;
        result.textContent = text;
        result.className = 'test-result ' + (className || '');
      }
      button.disabled = true;
      show('Sending a test…', 'delivery-pending');
      fetch(form.action, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(new FormData(form)).toString(),
        credentials: 'same-origin'
      })
        .then(function (response) {
          if (!response.ok) throw new Error('HTTP ' + response.status);
          return response.json();
        })
        .then(function (queued) {
          var started = Date.now();
          function poll() {
            fetch(queued.statusUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
              .then(function (response) {
                if (!response.ok) throw new Error('HTTP ' + response.status);
                return response.json();
              })
              .then(function (delivery) {
                if (delivery.status === 'delivered') {
                  show('Test delivered.', 'delivery-delivered');
                  button.disabled = false;
                } else if (delivery.status === 'failed') {
                  show('Test failed: ' + (delivery.lastError || 'unknown error'), 'delivery-failed');
                  button.disabled = false;
                } else if (Date.now() - started > 30000) {
                  show('Still pending after 30 s' + (delivery.lastError ? ' (last error: ' + delivery.lastError + ')' : '') + '.', 'delivery-pending');
                  button.disabled = false;
                } else {
                  if (delivery.attempts > 0 && delivery.lastError) show('Retrying: ' + delivery.lastError, 'delivery-pending');
                  setTimeout(poll, 1000);
                }
              })
              .catch(function (error) {
                show('Could not read the delivery status (' + error.message + ').', 'delivery-failed');
                button.disabled = false;
              });
          }
          poll();
        })
        .catch(function (error) {
          show('Could not queue the test (' + error.message + ').', 'delivery-failed');
          button.disabled = false;
        });
    });
  });
})();
