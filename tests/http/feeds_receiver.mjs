// tests/http/feeds_receiver.mjs — a stand-in HR/EAM system on 127.0.0.1 for the feeds pull
// tests: it answers GET /people (two pages, linked by "next") and GET /equipment only with
// the expected auth header, /broken with malformed JSON, and counts the requests it saw.
import { createServer } from 'node:http';

export async function startReceiver({ token, people, equipment }) {
  const seen = [];
  const srv = createServer((req, res) => {
    seen.push({ url: req.url, auth: req.headers['x-api-key'] || '' });
    const base = `http://127.0.0.1:${srv.address().port}`;
    if (req.headers['x-api-key'] !== token) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end('{"error":"unauthorised"}');
      return;
    }
    const json = (o) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(o)); };
    if (req.url === '/people') return json({ data: { list: people.slice(0, 2) }, next: `${base}/people?page=2` });
    if (req.url === '/people?page=2') return json({ data: { list: people.slice(2) }, next: '' });
    if (req.url === '/equipment') return json(equipment);
    if (req.url === '/broken') { res.writeHead(200); res.end('{"data": [ {"empNo": '); return; }
    res.writeHead(404);
    res.end();
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${srv.address().port}`,
    seen,
    close: () => new Promise((resolve) => srv.close(resolve)),
  };
}
