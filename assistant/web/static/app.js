() => {
  const MARKER = /(\[\d{1,3}\])/;
  const decorate = () => {
    document.querySelectorAll('#chat [data-testid="bot"] .message-content').forEach((content) => {
      const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
      const found = [];
      while (walker.nextNode()) {
        const node = walker.currentNode;
        const skip = node.parentElement.closest('sup.cite, code, pre');
        if (MARKER.test(node.nodeValue) && !skip) found.push(node);
      }
      found.forEach((node) => {
        const pieces = document.createDocumentFragment();
        node.nodeValue.split(MARKER).forEach((part) => {
          if (/^\[\d{1,3}\]$/.test(part)) {
            const marker = document.createElement('sup');
            marker.className = 'cite';
            marker.textContent = part;
            marker.title = 'Show source ' + part;
            pieces.appendChild(marker);
          } else if (part) {
            pieces.appendChild(document.createTextNode(part));
          }
        });
        node.replaceWith(pieces);
      });
    });
  };
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; decorate(); });
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
  document.addEventListener('click', (event) => {
    const marker = event.target.closest ? event.target.closest('sup.cite') : null;
    if (!marker) return;
    const n = marker.textContent.replace(/[^0-9]/g, '');
    const open = () => {
      const card = document.getElementById('source-' + n);
      if (!card) return;
      card.open = true;
      card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
      card.classList.add('flash');
      setTimeout(() => card.classList.remove('flash'), 1200);
    };
    open();
    setTimeout(open, 700);  // again once the panel shows the sources of the message clicked
  });
}
