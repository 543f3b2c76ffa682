/// The workbench's style sheet and script, embedded in the binary and served from `/static/`:
/// nothing is fetched from the network. The colours are the HTML report's (Okabe-Ito blue
/// `#0072B2` as the accent, vermilion `#D55E00` for problems), so the two read as one product.
enum Assets {
    static let css = """
        :root { --ink: #1d1d1d; --muted: #5a5a5a; --rule: #d6d6d6; --accent: #0072B2; --bad: #D55E00; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #eef0f2; color: var(--ink);
          font-family: "Segoe UI", "Helvetica Neue", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
          font-size: 15px; line-height: 1.45; }
        header.bar { background: var(--ink); color: #fff; padding: 10px 24px; }
        header.bar a { color: #fff; text-decoration: none; font-weight: 600; }
        main { max-width: 1000px; margin: 20px auto; background: #fff; padding: 28px 40px 40px;
          box-shadow: 0 1px 4px rgba(0,0,0,.12); }
        h1 { font-size: 26px; line-height: 1.2; margin: 0 0 10px; }
        h2 { font-size: 19px; margin: 26px 0 10px; padding-top: 6px; border-top: 1px solid var(--rule); }
        h3 { font-size: 16px; margin: 16px 0 6px; }
        a { color: var(--accent); }
        .meta, .note { color: var(--muted); font-size: 13.5px; }
        table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 14px; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
        th { border-bottom: 2px solid var(--ink); }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .problem { color: #8a3a00; border-left: 4px solid var(--bad); background: #fcefe6; padding: 6px 10px;
          margin: 4px 0; }
        .ok { color: #00573f; }
        .callout { border-left: 5px solid var(--accent); background: #eef6fb; padding: 10px 14px; margin: 10px 0 16px; }
        form.inline { display: inline; }
        button, .button { background: var(--accent); color: #fff; border: 0; border-radius: 3px; padding: 7px 14px;
          font-size: 15px; cursor: pointer; text-decoration: none; display: inline-block; }
        button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
        button.danger { background: var(--bad); }
        label { font-weight: 600; }
        input[type=number], input[type=text] { font-size: 15px; padding: 4px 6px; border: 1px solid #8a8a8a;
          border-radius: 3px; width: 12em; }
        input[aria-invalid=true] { border: 2px solid var(--bad); }
        progress { width: 100%; height: 22px; }
        fieldset { border: 1px solid var(--rule); margin: 12px 0; padding: 8px 14px; }
        legend { font-weight: 700; }
        .field { display: grid; grid-template-columns: 18em 13em 1fr; gap: 4px 14px; padding: 8px 0;
          border-bottom: 1px solid #eee; align-items: start; }
        .field .help { color: var(--muted); font-size: 13.5px; }
        .field .message { grid-column: 2 / 4; }
        ul.files li { margin: 4px 0; }
        pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 13px; }
        """

    /// Progress polling on a job's page: asks `/jobs/ID/status` every half second, moves the
    /// bar, and reloads the page when the job has ended (the page then shows its results).
    static let script = """
        (function () {
          var page = document.querySelector('[data-job]');
          if (!page) { return; }
          var id = page.getAttribute('data-job');
          var unit = page.getAttribute('data-unit') || 'replications';
          var bar = document.getElementById('progress');
          var text = document.getElementById('progress-text');
          function poll() {
            fetch('/jobs/' + id + '/status', { credentials: 'same-origin' })
              .then(function (r) { return r.json(); })
              .then(function (s) {
                if (s.total > 0) { bar.max = s.total; bar.value = s.done; }
                text.textContent = s.done + ' of ' + (s.total || '?') + ' ' + unit;
                if (s.state !== 'running') { window.location.reload(); } else { setTimeout(poll, 500); }
              })
              .catch(function () { setTimeout(poll, 2000); });
          }
          setTimeout(poll, 300);
        })();
        // The form editor: each changed value is checked at once by the server's validator, and
        // its messages are put beside the fields they name (the Check button does the same
        // without a script).
        (function () {
          var form = document.getElementById('editor');
          if (!form) { return; }
          function show(messages) {
            var boxes = form.querySelectorAll('.message');
            for (var i = 0; i < boxes.length; i++) {
              var box = boxes[i];
              var id = box.id.slice(0, -'-message'.length);
              var path = id === 'variant' ? 'variant' : id.slice(2);
              var list = messages[path] || [];
              box.textContent = '';
              list.forEach(function (text) {
                var div = document.createElement('div');
                div.className = 'problem';
                div.textContent = text;
                box.appendChild(div);
              });
              var input = document.getElementById(id);
              if (input) {
                if (list.length) { input.setAttribute('aria-invalid', 'true'); }
                else { input.removeAttribute('aria-invalid'); }
              }
            }
          }
          form.addEventListener('change', function () {
            fetch('/edit/check', { method: 'POST', credentials: 'same-origin',
                                   body: new URLSearchParams(new FormData(form)) })
              .then(function (r) { return r.json(); })
              .then(function (r) { show(r.messages || {}); })
              .catch(function () {});
          });
        })();
        """
}
