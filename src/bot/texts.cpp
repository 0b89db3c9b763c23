#include "bot/texts.hpp"

#include <fmt/format.h>

namespace cmup::bot::texts {
namespace {

// Cuts `s` to at most `max_bytes` without splitting a UTF-8 sequence, adding "..." when cut.
std::string shorten(const std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes - 3;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

}  // namespace

std::string welcome(bool has_mini_app) {
  std::string s =
      "Hello! I send movies and episodes straight into this chat.\n\n"
      "Type a title to search, e.g. \"Inception\", or use /search TITLE.";
  if (has_mini_app) s += "\nOr browse the whole catalog with the button below.";
  return s;
}

std::string open_catalog_button() { return "Open the catalog"; }

std::string help() {
  return "How to get a file:\n"
         "1. Type a title (or /search TITLE).\n"
         "2. Pick the title, then the season and episode for a show.\n"
         "3. Pick a quality: the file arrives here at once.\n\n"
         "Links from the website open this chat and send the file directly.\n"
         "/start - welcome and catalog\n/help - this message";
}

std::string unknown_input() {
  return "I did not understand that. Type a title to search, or /help to see what I can do.";
}

std::string search_prompt() { return "What are you looking for? Send a title, e.g. /search Inception"; }

std::string no_results(const std::string& query) {
  return fmt::format("Nothing found for \"{}\". Check the spelling or try fewer words.", query);
}

std::string results_header(const std::string& query) { return fmt::format("Results for \"{}\":", query); }

std::string choose_season(const std::string& title) { return fmt::format("{}: choose a season.", title); }

std::string choose_episode(const std::string& title, int season) {
  return fmt::format("{}, season {}: choose an episode.", title, season);
}

std::string choose_quality(const std::string& what) { return fmt::format("{}: choose a quality.", what); }

std::string not_available() {
  return "Sorry, this file is not available yet. Please try again later or pick another quality.";
}

std::string daily_limit_reached(int limit) {
  return fmt::format(
      "You have reached today's limit of {} files. Thank you for your patience: you can get more "
      "tomorrow.",
      limit);
}

std::string send_failed() { return "Sorry, sending failed. Please try again in a minute."; }

std::string sending() { return "Sending..."; }

std::string back_button() { return "« Back"; }

std::string season_starting(const std::string& title, int season, int episodes, int parts) {
  auto s = fmt::format("Sending {}, season {}: {} episode{}", title, season, episodes, episodes == 1 ? "" : "s");
  if (parts != episodes) s += fmt::format(" ({} files)", parts);
  return s + ", in order. They arrive in albums over the next minutes.";
}

std::string season_resuming(const std::string& title, int season, int remaining) {
  return fmt::format("Going on with {}, season {}: {} file{} still to come.", title, season, remaining,
                     remaining == 1 ? "" : "s");
}

std::string season_done(const std::string& title, int season) {
  return fmt::format("That was all of {}, season {}. Enjoy!", title, season);
}

std::string whole_season_button(const std::string& quality) {
  if (quality.empty()) return "Send the whole season";
  return "Whole season · " + quality_label(quality);
}

std::string inline_result_title(const CaptionInfo& c) {
  std::string s = c.title;
  if (c.year) s += fmt::format(" ({})", *c.year);
  if (c.season && c.episode) s += fmt::format(" · S{:02}E{:02}", *c.season, *c.episode);
  return shorten(s, 120);
}

std::string inline_result_description(const std::string& quality, std::int64_t size_bytes, int part_no,
                                      int part_count) {
  auto s = quality_label(quality);
  auto size = human_size(size_bytes);
  if (!size.empty()) s += " · " + size;
  if (part_count > 1) s += fmt::format(" · Part {} of {}", part_no, part_count);
  return s;
}

std::string season_button(int season) { return fmt::format("Season {}", season); }

std::string episode_button(int season, int episode, const std::string& name) {
  auto s = fmt::format("S{:02}E{:02}", season, episode);
  if (!name.empty()) s += " " + name;
  return shorten(s, 60);
}

std::string quality_label(const std::string& quality) {
  if (quality == "2160P") return "4K";
  if (quality == "UNKNOWN" || quality.empty()) return "Original";
  std::string q = quality;
  if (!q.empty() && q.back() == 'P') q.back() = 'p';
  return q;
}

std::string human_size(std::int64_t bytes) {
  if (bytes <= 0) return "";
  double b = static_cast<double>(bytes);
  if (b >= 1e9) return fmt::format("{:.1f} GB", b / 1e9);
  if (b >= 1e6) return fmt::format("{:.0f} MB", b / 1e6);
  return fmt::format("{:.0f} KB", b / 1e3);
}

std::string quality_button(const std::string& quality, std::int64_t size_bytes, int part_count) {
  auto s = quality_label(quality);
  auto size = human_size(size_bytes);
  if (!size.empty()) s += " · " + size;
  if (part_count > 1) s += fmt::format(" · {} parts", part_count);
  return s;
}

std::string title_button(const std::string& title, std::optional<int> year) {
  auto s = shorten(title, 56);
  if (year) s += fmt::format(" ({})", *year);
  return s;
}

std::string caption(const CaptionInfo& c) {
  std::string s = c.title;
  if (c.year) s += fmt::format(" ({})", *c.year);
  if (c.season && c.episode) {
    s += fmt::format(" · S{:02}E{:02}", *c.season, *c.episode);
    if (!c.episode_name.empty()) s += " " + c.episode_name;
  }
  s += " · " + quality_label(c.quality);
  if (c.part_count > 1) s += fmt::format(" · Part {} of {}", c.part_no, c.part_count);
  // Telegram's caption limit is 1024 characters; cut the title part, never the part marker.
  if (s.size() > 1024) {
    std::string tail = c.part_count > 1 ? fmt::format(" · Part {} of {}", c.part_no, c.part_count) : "";
    s = shorten(s, 1024 - tail.size()) + tail;
  }
  return s;
}

}  // namespace cmup::bot::texts
