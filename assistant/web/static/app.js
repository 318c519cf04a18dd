() => {
  // Citations: inline [n] markers of answers become buttons named after their source ("Source 2:
  // Socitm, Reasons why shared services fail"), reachable by Tab; one opens source n in the panel.
  const MARKER = /(\[\d{1,3}\])/;
  const labelOf = (marker) => {
    // The names of every answer's citations come with the sources panel; else the card shown now.
    const n = marker.dataset.n;
    const row = marker.closest('.message-row');
    const turn = [...document.querySelectorAll('#chat .message-row.bot-row')].indexOf(row);
    const named = document.querySelector(`#sources .cite-labels ol[data-turn="${turn}"] li[data-n="${n}"]`);
    if (named) return named.textContent;
    const card = document.getElementById('source-' + n);
    return (card && card.dataset.label) || 'Source ' + n;
  };
  const decorate = () => {
    document.querySelectorAll('#chat [data-testid="bot"] .message-content').forEach((content) => {
      const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
      const found = [];
      while (walker.nextNode()) {
        const node = walker.currentNode;
        const skip = node.parentElement.closest('button.cite, code, pre');
        if (MARKER.test(node.nodeValue) && !skip) found.push(node);
      }
      found.forEach((node) => {
        const pieces = document.createDocumentFragment();
        node.nodeValue.split(MARKER).forEach((part) => {
          if (/^\[\d{1,3}\]$/.test(part)) {
            const marker = document.createElement('button');
            marker.type = 'button';
            marker.className = 'cite';
            marker.textContent = part;
            marker.dataset.n = part.replace(/[^0-9]/g, '');
            pieces.appendChild(marker);
          } else if (part) {
            pieces.appendChild(document.createTextNode(part));
          }
        });
        node.replaceWith(pieces);
      });
    });
    document.querySelectorAll('#chat button.cite').forEach((marker) => {
      const label = labelOf(marker);
      if (marker.getAttribute('aria-label') !== label) marker.setAttribute('aria-label', label);
    });
    // Gradio lists its example questions as role=list without list items: name them a group instead.
    document.querySelectorAll('#chat .examples[role="list"]').forEach((examples) => {
      examples.setAttribute('role', 'group');
      examples.setAttribute('aria-label', 'Example questions');
    });
  };

  const openSource = (n, focus) => {
    const card = document.getElementById('source-' + n);
    if (!card) return;
    card.open = true;
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    card.classList.add('flash');
    setTimeout(() => card.classList.remove('flash'), 1200);
    if (focus) card.querySelector('summary').focus({preventScroll: true});
  };

  // The question: a counter near the limit, a message beyond it (the text is never cut).
  const counter = () => document.getElementById('question-counter');
  const updateCounter = () => {
    const box = document.querySelector('#question textarea');
    const shown = counter();
    if (!box || !shown) return;
    const limit = Number(shown.dataset.limit || 0);
    const length = box.value.length;
    const near = limit && length >= limit * 0.8;
    const over = limit && length > limit;
    const text = !near ? '' : over
      ? `${length.toLocaleString('en-GB')} / ${limit.toLocaleString('en-GB')} characters: ` +
        `too long by ${(length - limit).toLocaleString('en-GB')}. Shorten the question to send it.`
      : `${length.toLocaleString('en-GB')} / ${limit.toLocaleString('en-GB')} characters`;
    if (shown.textContent !== text) shown.textContent = text;
    shown.classList.toggle('over', Boolean(over));
  };
  document.addEventListener('input', (event) => {
    if (event.target.closest && event.target.closest('#question')) updateCounter();
  });

  // After a question is sent, the new answer is scrolled into view (a phone shows little at once).
  let answersBefore = null;
  const botMessages = () => document.querySelectorAll('#chat .message-row.bot-row');
  const sent = () => { answersBefore = botMessages().length; };
  const revealAnswer = () => {
    if (answersBefore === null) return;
    const all = botMessages();
    if (all.length <= answersBefore) return;
    answersBefore = null;
    all[all.length - 1].scrollIntoView({block: 'start'});
  };
  document.addEventListener('click', (event) => {
    if (event.target.closest && event.target.closest('#send, #chat button.example')) sent();
  }, true);
  document.addEventListener('keydown', (event) => {
    const inBox = event.target.closest && event.target.closest('#question');
    if (inBox && event.key === 'Enter' && !event.shiftKey) sent();
  }, true);

  const ask = (question) => {
    const box = document.querySelector('#question textarea');
    if (!box) return;
    box.value = question;
    box.dispatchEvent(new Event('input', {bubbles: true}));
    setTimeout(() => document.getElementById('send').click(), 50);
  };

  // The document view: the whole document in a dialog, opened at the passage, its quote highlighted.
  let dialog = null;
  let opener = null;
  const documentDialog = () => {
    if (dialog) return dialog;
    dialog = document.createElement('dialog');
    dialog.id = 'doc-dialog';
    dialog.setAttribute('aria-labelledby', 'doc-view-title');
    dialog.innerHTML = '<div class="doc-dialog-bar"><span class="doc-dialog-caption">Document</span>' +
      '<button type="button" class="doc-close">Close</button></div>' +
      '<div class="doc-dialog-body" id="doc-dialog-body"></div>';
    dialog.querySelector('.doc-close').addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => { if (opener) opener.focus(); });
    document.body.appendChild(dialog);
    return dialog;
  };
  const fetchDocument = async (doc, start, quote) => {
    const call = await fetch('gradio_api/call/document', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({data: [doc, Number(start), quote]}),
    });
    if (!call.ok) throw new Error('request refused');
    const {event_id: id} = await call.json();
    const stream = await (await fetch('gradio_api/call/document/' + id)).text();
    const complete = stream.split('event: complete')[1];
    if (!complete) throw new Error('no document');
    const data = complete.split('\n').find((line) => line.startsWith('data: '));
    return JSON.parse(data.slice(6))[0];
  };
  const openDocument = async (button) => {
    opener = button;
    const view = documentDialog();
    const body = view.querySelector('#doc-dialog-body');
    body.innerHTML = '<p class="doc-loading" role="status">Opening the document…</p>';
    if (!view.open) view.showModal();
    try {
      // The HTML is made on the server, where every text from a document is escaped.
      body.innerHTML = await fetchDocument(button.dataset.doc, button.dataset.start, button.dataset.quote);
    } catch (error) {
      body.innerHTML = '<div class="notice notice-error" role="alert">The document could not be opened; ' +
        'please try again.</div>';
      return;
    }
    const focus = body.querySelector('#doc-focus');
    if (focus) {
      focus.scrollIntoView({block: 'center'});
      focus.focus({preventScroll: true});
    }
  };

  document.addEventListener('click', (event) => {
    const target = event.target.closest ? event.target : null;
    if (!target) return;
    const marker = target.closest('button.cite');
    if (marker) {
      const n = marker.dataset.n;
      openSource(n, true);
      setTimeout(() => openSource(n, true), 700);  // again once the panel shows the message's sources
      return;
    }
    const next = target.closest('button.ask-next');
    if (next) { ask(next.dataset.question); return; }
    const open = target.closest('button.open-doc');
    if (open) openDocument(open);
  });

  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; decorate(); revealAnswer(); updateCounter(); });
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}
