// Asks before a form marked data-confirm is sent (discarding a dead letter cannot be undone).
document.addEventListener('submit', event => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
