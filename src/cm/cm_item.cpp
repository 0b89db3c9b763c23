#include "cm/cm_item.hpp"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "catalog/normalize.hpp"
#include "util/config.hpp"
#include "util/safe_text.hpp"

namespace cmup::cm {

namespace {

using json = nlohmann::json;

struct ItemError {
  std::string reason;
};

[[noreturn]] void reject(std::string reason) { throw ItemError{std::move(reason)}; }

// The field's value, or nullptr when absent or null (both mean "not given").
const json* field(const json& obj, const std::string& name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string type_name(const json& v) { return v.type_name(); }

std::optional<std::string> text_field(const json& obj, const std::string& name, std::size_t max_bytes) {
  const json* v = field(obj, name);
  if (!v) return std::nullopt;
  if (!v->is_string()) reject(fmt::format("field '{}' is {}, expected a string", name, type_name(*v)));
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes)
    reject(fmt::format("field '{}' is {} bytes (limit {})", name, s.size(), max_bytes));
  auto t = normalize_text(s);
  if (t.empty()) return std::nullopt;
  return t;
}

// An integer given as a JSON number (integral) or a decimal string.
std::optional<std::int64_t> int_field(const json& obj, const std::string& name) {
  const json* v = field(obj, name);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_number_unsigned()) {
    auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) reject(fmt::format("field '{}' is out of range", name));
    return static_cast<std::int64_t>(u);
  }
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (d == static_cast<double>(static_cast<std::int64_t>(d)) && d > -1e15 && d < 1e15)
      return static_cast<std::int64_t>(d);
    reject(fmt::format("field '{}' is not a whole number", name));
  }
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    auto t = normalize_text(s.substr(0, 64));
    if (t.empty()) return std::nullopt;
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (ec == std::errc() && p == t.data() + t.size()) return out;
  }
  reject(fmt::format("field '{}' is {}, expected an integer", name, type_name(*v)));
}

std::string id_field(const json& obj, const std::string& name) {
  const json* v = field(obj, name);
  if (!v) reject(fmt::format("missing id (field '{}')", name));
  std::string id;
  if (v->is_string()) {
    id = normalize_text(v->get_ref<const std::string&>().substr(0, kMaxIdBytes + 1));
  } else if (v->is_number_integer() || v->is_number_unsigned()) {
    id = v->dump();
  } else {
    reject(fmt::format("id is {}, expected a string or integer", type_name(*v)));
  }
  if (id.empty()) reject("empty id");
  if (id.size() > kMaxIdBytes) reject(fmt::format("id longer than {} bytes", kMaxIdBytes));
  return id;
}

// FNV-1a, 64 bit: stable across runs and platforms, which std::hash is not.
class Hasher {
 public:
  void add(std::string_view s) {
    for (unsigned char c : s) mix(c);
    mix(0x1f);
  }
  void add_opt(const std::optional<std::string>& s) { s ? add(*s) : add("\x1e"); }
  void add_int(std::optional<std::int64_t> v) { v ? add(std::to_string(*v)) : add("\x1e"); }
  std::string hex() const { return fmt::format("{:016x}", h_); }

 private:
  void mix(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

void hash_sources(Hasher& h, const std::vector<Source>& sources) {
  for (const auto& s : sources) {
    h.add(s.url);
    h.add_opt(s.quality_field);
    h.add_opt(s.label);
    h.add_int(s.size_bytes);
    h.add_opt(s.container);
    h.add(s.host);
  }
}

Source parse_source(const json& j, int index, const FieldNames& f) {
  auto where = fmt::format("source {}: ", index + 1);
  if (!j.is_object()) reject(where + "is " + type_name(j) + ", expected an object");
  try {
    Source s;
    s.cm_order = index;
    auto url = text_field(j, f.url, 4096);
    if (!url) reject("missing url");
    auto norm = normalize_url(*url);
    if (!norm) reject("not an http(s) URL: " + url->substr(0, 80));
    s.url = std::move(*url);
    s.url_norm = std::move(*norm);
    if (const json* q = field(j, f.quality); q && q->is_number_integer()) {
      s.quality_field = q->dump();
    } else {
      s.quality_field = text_field(j, f.quality, 256);
    }
    s.label = text_field(j, f.label, 1024);
    s.container = text_field(j, f.container, 64);
    if (s.container)
      for (auto& c : *s.container) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s.size_bytes = int_field(j, f.size);
    if (s.size_bytes && (*s.size_bytes < 0 || *s.size_bytes > kMaxSourceBytes))
      reject(fmt::format("absurd size {} bytes", *s.size_bytes));
    s.host = text_field(j, f.host, 256).value_or(url_host(s.url));
    auto q = infer_source_quality(
        s.quality_field ? std::optional<std::string_view>(*s.quality_field) : std::nullopt,
        s.label ? std::optional<std::string_view>(*s.label) : std::nullopt, s.url);
    s.quality = q.quality;
    s.quality_from = q.from;
    return s;
  } catch (const ItemError& e) {
    if (e.reason.rfind(where, 0) == 0) throw;
    reject(where + e.reason);
  }
}

std::vector<Source> parse_sources(const json& obj, const FieldNames& f) {
  std::vector<Source> out;
  const json* v = field(obj, f.sources);
  if (!v) return out;
  if (!v->is_array()) reject(fmt::format("field '{}' is {}, expected an array", f.sources, type_name(*v)));
  if (v->size() > kMaxSources) reject(fmt::format("{} sources (limit {})", v->size(), kMaxSources));
  std::unordered_set<std::string> seen;
  int index = 0;
  for (const auto& sj : *v) {
    auto s = parse_source(sj, index++, f);
    // Duplicates (same normalized URL) are one link: the first occurrence keeps its place.
    if (seen.insert(s.url_norm).second) out.push_back(std::move(s));
  }
  return out;
}

void parse_title_fields(const json& j, const FieldNames& f, Title& t) {
  auto title = text_field(j, f.title, kMaxTextBytes);
  if (!title) reject("missing title");
  if (title->size() > kMaxTitleBytes) reject(fmt::format("title longer than {} bytes", kMaxTitleBytes));
  t.title = std::move(*title);
  t.original_title = text_field(j, f.original_title, kMaxTitleBytes);
  if (auto y = int_field(j, f.year)) t.year = normalize_year(*y);
  if (auto poster = text_field(j, f.poster, 4096); poster && normalize_url(*poster)) t.poster_url = poster;
  t.overview = text_field(j, f.overview, kMaxTextBytes);
  if (const json* g = field(j, f.genres)) {
    if (!g->is_array()) reject(fmt::format("field '{}' is {}, expected an array", f.genres, type_name(*g)));
    std::vector<std::string> genres;
    for (const auto& e : *g) {
      if (!e.is_string()) reject(fmt::format("a genre is {}, expected a string", type_name(e)));
      if (e.get_ref<const std::string&>().size() > 256) reject("a genre longer than 256 bytes");
      genres.push_back(e.get<std::string>());
    }
    t.genres = normalize_genres(genres);
  }
}

std::string title_hash(const Title& t) {
  Hasher h;
  h.add(title_kind_name(t.kind));
  h.add(t.cm_id);
  h.add(t.title);
  h.add_opt(t.original_title);
  h.add_int(t.year ? std::optional<std::int64_t>(*t.year) : std::nullopt);
  h.add_opt(t.poster_url);
  h.add_opt(t.overview);
  for (const auto& g : t.genres) h.add(g);
  h.add("\x1d");
  hash_sources(h, t.sources);
  return h.hex();
}

template <typename T, typename F>
Parsed<T> guarded(const json& j, const FieldNames& f, F&& body) {
  Parsed<T> out;
  try {
    if (!j.is_object()) reject("item is " + type_name(j) + ", expected an object");
    out.cm_id = id_field(j, f.id);
    out.item = body(out.cm_id);
  } catch (const ItemError& e) {
    out.item.reset();
    out.error = e.reason;
  } catch (const std::exception& e) {  // json type errors the checks above did not foresee
    out.item.reset();
    out.error = "malformed: " + safe_text(e.what());  // a parse error quotes the bytes it read
  }
  return out;
}

}  // namespace

FieldNames FieldNames::from_config(const Config& cfg) {
  FieldNames f;
  auto get = [&](const char* key) { return cfg.str(std::string("cm.fields.") + key); };
  f.items = get("items");
  f.page = get("page");
  f.total_pages = get("total_pages");
  f.access_token = get("access_token");
  f.refresh_token = get("refresh_token");
  f.expires_in = get("expires_in");
  f.id = get("id");
  f.title = get("title");
  f.original_title = get("original_title");
  f.year = get("year");
  f.poster = get("poster");
  f.overview = get("overview");
  f.genres = get("genres");
  f.sources = get("sources");
  f.season = get("season");
  f.episode = get("episode");
  f.episode_title = get("episode_title");
  f.air_date = get("air_date");
  f.url = get("url");
  f.quality = get("quality");
  f.label = get("label");
  f.size = get("size");
  f.container = get("container");
  f.host = get("host");
  return f;
}

bool Source::is_mp4() const {
  if (container) return *container == "mp4";
  auto path = url_norm.substr(0, url_norm.find('?'));
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".mp4") == 0;
}

std::string_view title_kind_name(TitleKind k) { return k == TitleKind::Movie ? "movie" : "show"; }

Parsed<Title> parse_movie(const json& j, const FieldNames& f) {
  return guarded<Title>(j, f, [&](const std::string& id) {
    Title t;
    t.kind = TitleKind::Movie;
    t.cm_id = id;
    parse_title_fields(j, f, t);
    t.sources = parse_sources(j, f);
    t.content_hash = title_hash(t);
    return t;
  });
}

Parsed<Title> parse_show(const json& j, const FieldNames& f) {
  return guarded<Title>(j, f, [&](const std::string& id) {
    Title t;
    t.kind = TitleKind::Show;
    t.cm_id = id;
    parse_title_fields(j, f, t);
    t.content_hash = title_hash(t);
    return t;
  });
}

Parsed<Episode> parse_episode(const json& j, const FieldNames& f) {
  return guarded<Episode>(j, f, [&](const std::string& id) {
    Episode e;
    e.cm_id = id;
    e.name = text_field(j, f.episode_title, kMaxTitleBytes);
    e.air_date = text_field(j, f.air_date, 64);
    e.sources = parse_sources(j, f);
    auto season = int_field(j, f.season), episode = int_field(j, f.episode);
    if (!season || !episode) {
      // No numbers from CM: read them from the episode's name or its links' labels and URLs.
      std::optional<SeasonEpisode> se;
      if (e.name) se = parse_episode_hint(*e.name);
      for (const auto& s : e.sources) {
        if (!se && s.label) se = parse_episode_hint(*s.label);
        if (!se) se = parse_episode_hint(s.url);
      }
      if (!se) reject("no season/episode numbers and none in its name or links");
      if (!season) season = se->season;
      if (!episode) episode = se->episode;
    }
    if (*season < 0 || *season > 9999) reject(fmt::format("season {} out of range", *season));
    if (*episode < 0 || *episode > 99999) reject(fmt::format("episode {} out of range", *episode));
    e.season = static_cast<int>(*season);
    e.episode = static_cast<int>(*episode);
    Hasher h;
    h.add(e.cm_id);
    h.add_int(e.season);
    h.add_int(e.episode);
    h.add_opt(e.name);
    h.add_opt(e.air_date);
    hash_sources(h, e.sources);
    e.content_hash = h.hex();
    return e;
  });
}

Parsed<Title> parse_movie_text(std::string_view text, const FieldNames& f) {
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return {std::nullopt, "not valid JSON", ""};
  return parse_movie(j, f);
}

}  // namespace cmup::cm
