// Read-only chat viewer: GET / is one self-contained HTML page (no external assets) that
// polls GET /viewer/state every 3 s and shows each channel and private chat with what it
// holds: sender, file name, caption, size, order, album.
#include "render.hpp"
#include "server.hpp"

namespace cmup::simtg {

namespace {

constexpr const char* kPage = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cmup Telegram simulator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;background:#f4f6f8;color:#1b1f23}
h1{font-size:1.3em;margin:0 0 .2em} .hint{color:#666;font-size:.9em}
section{background:#fff;border-radius:8px;padding:.8em 1em;margin:1em 0;box-shadow:0 1px 3px #0002}
h2{font-size:1.05em;margin:.1em 0 .5em} h2 small{color:#777;font-weight:normal}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #eee;vertical-align:top}
th{color:#555;font-weight:600;font-size:.85em} td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.deleted td{color:#aaa;text-decoration:line-through} .kind{font-size:.8em;padding:0 .4em;border-radius:4px;background:#e8eefc}
.empty{color:#999;font-style:italic} code{font-size:.85em}
</style></head><body>
<h1>cmup Telegram simulator</h1>
<div class="hint">Read-only view of the simulated chats; refreshes every 3 seconds. <span id="status"></span></div>
<div id="chats"></div>
<script>
function esc(s){return String(s==null?'':s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));}
function size(n){if(n==null)return '';const u=['B','KiB','MiB','GiB'];let i=0;while(n>=1024&&i<3){n/=1024;i++;}return (i?n.toFixed(1):n)+' '+u[i];}
function sender(s){return s.type==='bot'?'@'+esc(s.username)+' (bot)':esc(s.first_name)+(s.username?' @'+esc(s.username):'')+' (user '+s.id+')';}
function row(m){
  const f=m.file||{};
  const what=m.kind==='text'?esc(m.text):esc(f.file_name);
  return '<tr class="'+(m.deleted?'deleted':'')+'"><td class="num">'+m.message_id+'</td><td>'+sender(m.sender)+
    '</td><td><span class="kind">'+esc(m.kind)+'</span> '+what+'</td><td>'+esc(m.caption)+'</td><td class="num">'+size(f.size)+
    '</td><td>'+(m.media_group_id?'album '+esc(m.media_group_id).slice(-4):'')+(m.forward_origin?' forwarded':'')+
    '</td><td>'+new Date(m.date*1000).toLocaleTimeString()+'</td></tr>';
}
function chat(c){
  const title=c.type==='channel'?esc(c.title)+' <small>'+c.id+' · admins: '+esc((c.admins||[]).join(', '))+'</small>'
    :esc(c.first_name)+' <small>private chat '+c.id+' with @'+esc(c.bot)+'</small>';
  const rows=(c.messages||[]).map(row).join('');
  return '<section><h2>'+title+'</h2>'+(rows?'<table><tr><th>#</th><th>sender</th><th>content</th><th>caption</th><th>size</th><th></th><th>time</th></tr>'+rows+'</table>'
    :'<div class="empty">no messages</div>')+'</section>';
}
async function refresh(){
  try{const r=await fetch('/viewer/state');const s=await r.json();
    document.getElementById('chats').innerHTML=s.chats.map(chat).join('');
    document.getElementById('status').textContent='Updated '+new Date().toLocaleTimeString()+'.';
  }catch(e){document.getElementById('status').textContent='Simulator unreachable: '+e;}
}
refresh();setInterval(refresh,3000);
</script></body></html>
)HTML";

}  // namespace

void install_viewer_routes(httplib::Server& http, Sim& sim) {
  http.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content(kPage, "text/html; charset=utf-8"); });
  http.Get("/viewer/state", [&sim](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lk(sim.store.mu);
    nlohmann::json chats = nlohmann::json::array();
    for (const auto& [key, chat] : sim.store.st.chats) chats.push_back(control_chat_json(sim.store, chat, true));
    reply_json(res, 200, {{"chats", chats}});
  });
}

}  // namespace cmup::simtg
