#include <smart/dashboard/charts.hpp>
#include <smart/dashboard/health.hpp>
#include <smart/dashboard/load.hpp>
#include <smart/dashboard/render.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/html.hpp>

#include "../temp_dir.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace smart;
using namespace smart::dashboard;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const fs::path fixtures = fs::path(SMART_FIXTURES_DIR) / "dashboard";
const fs::path goldens = fs::path(SMART_SOURCE_DIR) / "test" / "golden" / "dashboard";

util::SystemTime at(std::string_view rfc3339)
{
  return *util::parse_rfc3339(rfc3339);
}

// The fixed clock of the goldens: 20 minutes after the normal fixture's last run.
const util::SystemTime golden_now = at("2026-11-23T00:00:00Z");

Model load_fixture(std::string_view name)
{
  const fs::path dir = fixtures / name;
  return load_model({dir / "state.json", dir, dir / "runs"});
}

RenderContext context_for(const Model& model, util::SystemTime now)
{
  RenderContext context;
  context.now = now;
  context.health = assess_health(model, now, HealthPolicy{});
  return context;
}

// Warnings name files by absolute path; goldens must not depend on where
// the source tree is.
std::string portable(std::string text)
{
  const std::string prefix = fixtures.string();
  for (auto pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos)) {
    text.replace(pos, prefix.size(), "@FIXTURES@");
  }
  return text;
}

void check_golden(const fs::path& file, const std::string& actual)
{
  const char* update = std::getenv("SMART_UPDATE_GOLDEN");
  if (update && std::string_view(update) == "1") {
    fs::create_directories(file.parent_path());
    util::write_file_atomically(file, actual);
    return;
  }
  INFO("golden " << file.string() << " (regenerate with SMART_UPDATE_GOLDEN=1 and review the diff)");
  REQUIRE(fs::exists(file));
  const std::string expected = util::read_file(file);
  if (expected == actual) {
    SUCCEED();
    return;
  }
  std::istringstream a(actual), e(expected);
  std::string la, le;
  int line = 0;
  while (true) {
    ++line;
    const bool ga = static_cast<bool>(std::getline(a, la));
    const bool ge = static_cast<bool>(std::getline(e, le));
    if (!ga && !ge) {
      break;
    }
    if (la != le || ga != ge) {
      INFO("first difference at line " << line << "\n  expected: " << le << "\n  actual:   " << la);
      CHECK(la == le);
      break;
    }
  }
  CHECK(expected == actual);
}

void check_fixture_goldens(std::string_view name)
{
  const Model model = load_fixture(name);
  const RenderContext context = context_for(model, golden_now);
  const fs::path dir = goldens / name;
  check_golden(dir / "index.html", portable(render_index_html(model, context)));
  check_golden(dir / "health.json", render_health_json(model, context));
  check_golden(dir / "metrics.prom", render_metrics_prom(model, context));
  check_golden(dir / "history.json", render_history_json(model));
  check_golden(dir / "text.txt", portable(render_text(model, context, false)));
}

std::size_t count(const std::string& text, std::string_view needle)
{
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

RunSummary run(std::string id, std::string status, std::string_view finished)
{
  RunSummary r;
  r.run_id = std::move(id);
  r.experiment = "001_nginx_workers";
  r.status = std::move(status);
  r.finished_at = std::string(finished);
  r.finished = util::parse_rfc3339(finished);
  return r;
}

// A parser of the Prometheus text exposition format, strict enough to catch
// what promtool would: HELP/TYPE before samples, names, label syntax and
// escapes, values, counters named *_total, no duplicate series.
std::vector<std::string> prometheus_problems(const std::string& text)
{
  std::vector<std::string> problems;
  static const std::regex help_re(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$)");
  static const std::regex type_re(
    R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  static const std::regex sample_re(
    R"re(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)$)re");
  std::map<std::string, std::string> types;
  std::set<std::string> helps, series, finished;
  std::string current;
  if (text.empty() || text.back() != '\n') {
    problems.push_back("does not end with a newline");
  }
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::smatch m;
    const auto where = "line " + std::to_string(number) + ": ";
    if (std::regex_match(line, m, help_re)) {
      if (!helps.insert(m[1]).second)
        problems.push_back(where + "second HELP for " + m[1].str());
      if (current != m[1].str())
        finished.insert(current);
      if (finished.count(m[1]))
        problems.push_back(where + "family split: " + m[1].str());
      current = m[1];
    } else if (std::regex_match(line, m, type_re)) {
      if (types.count(m[1]))
        problems.push_back(where + "second TYPE for " + m[1].str());
      if (m[1].str() != current)
        problems.push_back(where + "TYPE not after its HELP");
      types[m[1]] = m[2];
      if (m[2] == "counter" && !m[1].str().ends_with("_total"))
        problems.push_back(where + "counter without _total");
    } else if (std::regex_match(line, m, sample_re)) {
      if (m[1].str() != current || !types.count(m[1]))
        problems.push_back(where + "sample outside its family: " + line);
      if (!series.insert(m[1].str() + m[2].str()).second)
        problems.push_back(where + "duplicate series " + line);
    } else {
      problems.push_back(where + "not valid: " + line);
    }
  }
  return problems;
}

} // namespace

TEST_CASE("dashboard golden: normal run with history, CSVs, decisions and coach")
{
  check_fixture_goldens("normal");
}

TEST_CASE("dashboard golden: empty state before the first run")
{
  check_fixture_goldens("empty");
}

TEST_CASE("dashboard golden: repeated failures")
{
  check_fixture_goldens("failing");
}

TEST_CASE("dashboard golden: failed revert")
{
  check_fixture_goldens("revert_failed");
}

TEST_CASE("dashboard golden: corrupt history and state")
{
  check_fixture_goldens("corrupt");
}

TEST_CASE("dashboard golden: the original scripts' state.json")
{
  check_fixture_goldens("original");
}

TEST_CASE("dashboard golden: borderline verdict, coach asked")
{
  check_fixture_goldens("borderline");
}

TEST_CASE("dashboard golden: hostile strings")
{
  check_fixture_goldens("xss");
}

TEST_CASE("dashboard golden: a run in progress (pending.json)")
{
  check_fixture_goldens("running");
}

TEST_CASE("dashboard golden: calibration (A/A) run")
{
  check_fixture_goldens("calibration");
}

TEST_CASE("dashboard golden: advice-only run")
{
  check_fixture_goldens("advice");
}

TEST_CASE("dashboard golden: the target failed")
{
  check_fixture_goldens("failed_target");
}

TEST_CASE("dashboard golden: inconclusive run, too short to tell")
{
  check_fixture_goldens("inconclusive");
}

namespace {

struct Rendered {
  Model model;
  std::string html, text, health;
};

Rendered render_fixture(std::string_view name)
{
  Rendered r{load_fixture(name), {}, {}, {}};
  const RenderContext context = context_for(r.model, golden_now);
  r.html = render_index_html(r.model, context);
  r.text = render_text(r.model, context, false);
  r.health = render_health_json(r.model, context);
  return r;
}

std::string line_of(const std::string& text, std::string_view prefix)
{
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) {
      return line;
    }
  }
  return {};
}

// The text between <p class="kept-line" ...> and </p>, tags stripped.
std::string kept_line_html(const std::string& html)
{
  const auto start = html.find("<p class=\"kept-line\"");
  if (start == std::string::npos) {
    return {};
  }
  const auto end = html.find("</p>", start);
  return std::regex_replace(html.substr(start, end - start), std::regex("<[^>]*>"), "");
}

} // namespace

TEST_CASE("dashboard: a failed revert never reads as 'baseline restored'")
{
  const auto r = render_fixture("revert_failed");
  const std::string page_kept = kept_line_html(r.html);
  CHECK(page_kept.find("baseline restored") == std::string::npos);
  CHECK(page_kept.find("the revert of workers_2 failed") != std::string::npos);
  const std::string text_kept = line_of(r.text, "outcome");
  CHECK(text_kept.find("the revert of workers_2 failed") != std::string::npos);
  // One wording: the page says what the terminal says.
  CHECK(page_kept == "kept: " + text_kept.substr(text_kept.find("kept: ") + 6));
}

TEST_CASE("dashboard: after a failed revert the 'what the server ran' charts plot nothing for that run")
{
  const auto r = render_fixture("revert_failed");
  REQUIRE(r.model.last);
  REQUIRE(r.model.last->status == "revert_failed");
  const std::string id = r.model.last->run_id;
  for (const char* chart : {"id=\"trend-latency\"", "id=\"trend-errors\""}) {
    const auto start = r.html.find(chart);
    REQUIRE(start != std::string::npos);
    const auto figure = r.html.substr(start, r.html.find("</figure>", start) - start);
    INFO(chart);
    CHECK(figure.find("<title>" + id) == std::string::npos);
    // The runs before it are still plotted.
    CHECK(figure.find("<title>20261122T173000Z") != std::string::npos);
  }
}

TEST_CASE("dashboard: a calibration run is neither 'reverted' nor plotted as a chosen variant")
{
  const auto r = render_fixture("calibration");
  CHECK(r.html.find("id=\"outcome\">calibration (A/A)</span>") != std::string::npos);
  CHECK(line_of(r.text, "outcome").find("CALIBRATION (A/A)") != std::string::npos);
  CHECK(line_of(r.text, "outcome").find("REVERTED") == std::string::npos);
  CHECK(kept_line_html(r.html).find("A/A calibration") != std::string::npos);
  REQUIRE(r.model.last);
  CHECK(r.model.last->chosen() == nullptr);
  // The trend's points of the chosen variant name the run; the A/A run has none.
  const auto trends = r.html.substr(r.html.find("id=\"trends\""));
  CHECK(trends.find(r.model.last->run_id + " calibration") == std::string::npos);
  CHECK(trends.find(": aa ") == std::string::npos);
  // The A/A comparison's verdict reads as what it means there: nothing was
  // applied, so nothing was "reverted".
  const auto card = r.html.substr(0, r.html.find("id=\"trends\""));
  CHECK(card.find(">revert</span>") == std::string::npos);
  CHECK(card.find("reverted:") == std::string::npos);
  CHECK(card.find("<span class=\"pill neutral\">no difference</span>") != std::string::npos);
  const std::string row = line_of(r.text, "  aa ");
  CHECK(row.find("no difference") != std::string::npos);
  CHECK(row.find("revert") == std::string::npos);
  CHECK(line_of(r.text, "  aa:").find("no difference: as expected of the baseline against itself") !=
        std::string::npos);
}

TEST_CASE("dashboard: an advice-only run says what it would have kept, not 'reverted'")
{
  const auto r = render_fixture("advice");
  CHECK(r.html.find("id=\"outcome\">advice only</span>") != std::string::npos);
  CHECK(kept_line_html(r.html) == "kept: nothing — advice only (would have kept workers_2)");
  CHECK(
    line_of(r.text, "outcome").find("ADVICE ONLY  kept: nothing — advice only (would have kept workers_2)") !=
    std::string::npos);
}

TEST_CASE("dashboard: a failed target reads as failed, with its reason")
{
  const auto r = render_fixture("failed_target");
  CHECK(r.html.find("id=\"outcome\">failed</span>") != std::string::npos);
  CHECK(kept_line_html(r.html) == "kept: nothing (the run failed; baseline restored)");
  CHECK(r.text.find("is the target up?") != std::string::npos);
}

TEST_CASE("dashboard: a faster but inconclusive variant is not shown as a green win")
{
  const auto r = render_fixture("inconclusive");
  // History row of the last run: the change is not green and says inconclusive.
  const auto history = r.html.substr(r.html.find("id=\"history\""));
  const auto row_start = history.find("<tr><td>");
  const auto row = history.substr(row_start, history.find("</tr>", row_start) - row_start);
  CHECK(row.find("−88.7%") != std::string::npos);
  CHECK(row.find("good-text") == std::string::npos);
  CHECK(row.find("inconclusive") != std::string::npos);
  // The variants table: no green either; the reasons say why.
  const auto status = r.html.substr(0, r.html.find("id=\"history\""));
  CHECK(status.find("good-text\">−88.7%") == std::string::npos);
  CHECK(status.find("inconclusive: the data could not tell") != std::string::npos);
  CHECK(r.text.find("workers_2: inconclusive: the data could not tell") != std::string::npos);
}

TEST_CASE("dashboard: one formatting of signs and infinities on the page and in the terminal")
{
  const auto r = render_fixture("inconclusive");
  for (const auto* out : {&r.html, &r.text}) {
    CHECK(out->find("inf%") == std::string::npos);
    CHECK(out->find("(90% CI −∞ to 97.2%)") != std::string::npos);
  }
  CHECK(line_of(r.text, "  workers_2").find("−88.7%") != std::string::npos);
  CHECK(r.html.find("−88.7%") != std::string::npos);
}

TEST_CASE("dashboard: a run in progress shows on the page, in the terminal and in health.json")
{
  const auto r = render_fixture("running");
  REQUIRE(r.model.running);
  const std::string phrase =
    "002_nginx_keepalive: keepalive_120 applied since 2026-11-22T23:50:00Z (10 min ago), "
    "expected to end 2026-11-23T00:05:00Z (in 5 min)";
  CHECK(r.html.find("id=\"running\"") != std::string::npos);
  CHECK(r.html.find(phrase) != std::string::npos);
  CHECK(r.text.find("running     NOW\n            " + phrase) != std::string::npos);
  const auto health = boost::json::parse(r.health).as_object();
  REQUIRE(health.at("running").is_object());
  CHECK(health.at("running").at("variant").as_string() == "keepalive_120");
  CHECK(health.at("running").at("expected_end").as_string() == "2026-11-23T00:05:00Z");
  const auto idle = render_fixture("normal");
  CHECK(boost::json::parse(idle.health).at("running").is_null());
}

TEST_CASE("dashboard: hostile strings from files stay inert in the page")
{
  const Model model = load_fixture("xss");
  REQUIRE(model.last);
  REQUIRE(model.last->description.find("<script>") != std::string::npos);
  const std::string html = render_index_html(model, context_for(model, golden_now));
  // The only script element is our own app.js.
  CHECK(count(html, "<script") == 1);
  CHECK(html.find("<script src=\"app.js\" defer></script>") != std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<b>host") == std::string::npos);
  CHECK(html.find("<i>v</i>") == std::string::npos);
  CHECK(html.find("<x>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;") !=
        std::string::npos);
  // An unsafe run id is shown but never becomes a link.
  CHECK(html.find("href=\"runs/../") == std::string::npos);
  CHECK(html.find("../../etc/&lt;passwd&gt;") != std::string::npos);
  // Nothing inline for the CSP to refuse, nothing fetched from elsewhere.
  CHECK(html.find(" style=") == std::string::npos);
  CHECK_FALSE(std::regex_search(html, std::regex(R"(<[^>]*\son[a-z]+=)")));
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("script-src &#39;self&#39;; style-src &#39;self&#39;") != std::string::npos);

  // The terminal summary drops control characters.
  RunSummary hostile = *model.last;
  hostile.description = "a\x1b]0;pwned\x07 b";
  Model copy = model;
  copy.last = hostile;
  const std::string text = render_text(copy, context_for(copy, golden_now), false);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
}

TEST_CASE("dashboard: every tag of the page is one we wrote")
{
  for (const auto* name : {"normal", "xss", "revert_failed", "corrupt", "borderline"}) {
    const Model model = load_fixture(name);
    const std::string html = render_index_html(model, context_for(model, golden_now));
    static const std::set<std::string> allowed{
      "!DOCTYPE", "html",   "head",       "meta",    "title",   "link",    "script", "body", "header",
      "h1",       "h2",     "span",       "div",     "main",    "section", "p",      "a",    "b",
      "strong",   "code",   "time",       "table",   "thead",   "tbody",   "tr",     "th",   "td",
      "dl",       "dt",     "dd",         "ul",      "li",      "svg",     "line",   "text", "polyline",
      "circle",   "figure", "figcaption", "details", "summary", "footer"};
    static const std::regex tag_re("<(/?)([!a-zA-Z][a-zA-Z0-9]*)");
    for (std::sregex_iterator it(html.begin(), html.end(), tag_re), end; it != end; ++it) {
      INFO(name << ": tag " << (*it)[2]);
      CHECK(allowed.count((*it)[2]) == 1);
    }
  }
}

TEST_CASE("html_escape makes text inert and keeps valid UTF-8")
{
  CHECK(util::html_escape("<a href=\"x\">'&'</a>") ==
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(util::html_escape("p50 – ü ✓") == "p50 – ü ✓");
  CHECK(util::html_escape("bad\xff\xfe") == "bad\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(util::html_escape(std::string("nul\0x", 5)) == "nul\xEF\xBF\xBDx");
  CHECK(util::html_escape("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong '/'
  CHECK(util::html_escape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // surrogate
}

TEST_CASE("dashboard health: ok, stale, failing, revert_failed")
{
  const HealthPolicy policy{util::Duration(1800), 2};
  Model model;
  SECTION("no run yet is ok, with no last run time")
  {
    const auto health = assess_health(model, at("2026-11-23T00:00:00Z"), policy);
    CHECK(health.status == HealthStatus::ok);
    CHECK_FALSE(health.last_run_at);
    CHECK(health.consecutive_failures == 0);
  }
  model.history.push_back(run("20261122T230000Z", "kept", "2026-11-22T23:10:00Z"));
  model.last = model.history.back();
  SECTION("fresh, then stale after twice the timer interval")
  {
    CHECK(assess_health(model, at("2026-11-22T23:40:00Z"), policy).status == HealthStatus::ok);
    CHECK(assess_health(model, at("2026-11-23T00:10:00Z"), policy).status == HealthStatus::ok);
    const auto stale = assess_health(model, at("2026-11-23T00:10:01Z"), policy);
    CHECK(stale.status == HealthStatus::stale);
    CHECK(stale.last_run_at == at("2026-11-22T23:10:00Z"));
    CHECK(assess_health(model, at("2026-11-23T00:10:01Z"), HealthPolicy{util::Duration(3600), 2}).status ==
          HealthStatus::ok);
  }
  SECTION("one failure is not failing; two in a row are")
  {
    model.history.push_back(run("20261122T233000Z", "failed", "2026-11-22T23:31:00Z"));
    model.last = model.history.back();
    auto health = assess_health(model, at("2026-11-22T23:40:00Z"), policy);
    CHECK(health.status == HealthStatus::ok);
    CHECK(health.consecutive_failures == 1);
    model.history.push_back(run("20261123T000000Z", "aborted", "2026-11-23T00:01:00Z"));
    model.last = model.history.back();
    health = assess_health(model, at("2026-11-23T00:05:00Z"), policy);
    CHECK(health.status == HealthStatus::failing);
    CHECK(health.consecutive_failures == 2);
    SECTION("a success ends the streak")
    {
      model.history.push_back(run("20261123T003000Z", "reverted", "2026-11-23T00:40:00Z"));
      model.last = model.history.back();
      health = assess_health(model, at("2026-11-23T00:45:00Z"), policy);
      CHECK(health.status == HealthStatus::ok);
      CHECK(health.consecutive_failures == 0);
    }
    SECTION("state.json's run counts even before history has it")
    {
      model.last = run("20261123T003000Z", "failed", "2026-11-23T00:40:00Z");
      CHECK(assess_health(model, at("2026-11-23T00:45:00Z"), policy).consecutive_failures == 3);
    }
    SECTION("a failed revert outranks failing, stale or not")
    {
      model.revert_failed = RevertFailed{};
      CHECK(assess_health(model, at("2026-11-23T00:05:00Z"), policy).status == HealthStatus::revert_failed);
      CHECK(assess_health(model, at("2026-12-23T00:05:00Z"), policy).status == HealthStatus::revert_failed);
    }
  }
  SECTION("a last run that ended revert_failed is revert_failed without the file")
  {
    model.history.back().status = "revert_failed";
    model.last = model.history.back();
    CHECK(assess_health(model, at("2026-11-22T23:40:00Z"), policy).status == HealthStatus::revert_failed);
  }
}

TEST_CASE("dashboard health.json has the documented fields")
{
  const Model model = load_fixture("failing");
  const auto context = context_for(model, golden_now);
  const auto value = boost::json::parse(render_health_json(model, context));
  const auto& object = value.as_object();
  CHECK(object.at("status").as_string() == "failing");
  CHECK(object.at("consecutive_failures").as_int64() == 3);
  CHECK(object.at("last_run_at").as_string() == "2026-11-22T19:40:09Z");

  const Model empty = load_fixture("empty");
  const auto empty_value = boost::json::parse(render_health_json(empty, context_for(empty, golden_now)));
  CHECK(empty_value.at("status").as_string() == "ok");
  CHECK(empty_value.at("last_run_at").is_null());
}

TEST_CASE("dashboard metrics.prom follows the exposition format")
{
  for (const auto* name :
       {"normal", "empty", "failing", "revert_failed", "xss", "corrupt", "original", "borderline"}) {
    const Model model = load_fixture(name);
    const std::string prom = render_metrics_prom(model, context_for(model, golden_now));
    INFO(name << ":\n" << prom);
    CHECK(prometheus_problems(prom).empty());
    for (const auto& problem : prometheus_problems(prom)) {
      UNSCOPED_INFO(problem);
    }
  }
  const Model model = load_fixture("normal");
  const std::string prom = render_metrics_prom(model, context_for(model, golden_now));
  CHECK(
    prom.find("smart_experiment_p50_seconds{experiment=\"001_nginx_workers\",role=\"baseline\"} 0.017\n") !=
    std::string::npos);
  CHECK(
    prom.find("smart_experiment_p50_seconds{experiment=\"001_nginx_workers\",role=\"chosen\"} 0.0145\n") !=
    std::string::npos);
  CHECK(prom.find("smart_decisions_total{outcome=\"keep\"} 4\n") != std::string::npos);
  CHECK(prom.find("smart_last_run_timestamp_seconds 1795390809\n") != std::string::npos);
  CHECK(prom.find("smart_health{status=\"ok\"} 1\n") != std::string::npos);
  // The parser itself refuses what it should.
  CHECK_FALSE(prometheus_problems("smart_x 1\n").empty());
  CHECK_FALSE(prometheus_problems("# HELP a_total x\n# TYPE a_total counter\na_total{l=\"\"\"} 1\n").empty());
  CHECK_FALSE(prometheus_problems("# HELP a x\n# TYPE a counter\na 1\n").empty());
}

TEST_CASE("dashboard loader skips bad history lines and names them")
{
  const Model model = load_fixture("corrupt");
  CHECK(model.history.size() == 4);
  std::string all;
  for (const auto& warning : model.warnings) {
    all += warning + "\n";
  }
  INFO(all);
  CHECK(all.find("history.jsonl:2: skipped: not valid JSON") != std::string::npos);
  CHECK(all.find("history.jsonl:4: skipped: not a JSON object") != std::string::npos);
  CHECK(all.find("history.jsonl:5: skipped: no run_id") != std::string::npos);
  CHECK(all.find("state.json: not valid JSON") != std::string::npos);
  // Without a readable state.json, the last run is history's last line.
  REQUIRE(model.last);
  CHECK(model.last->run_id == model.history.back().run_id);
}

TEST_CASE("dashboard loader: missing directory is an empty state")
{
  const Model model = load_model({"/nonexistent/state.json", "/nonexistent", "/nonexistent/runs"});
  CHECK_FALSE(model.last);
  CHECK(model.history.empty());
  CHECK(model.warnings.empty());
  const std::string html = render_index_html(model, context_for(model, golden_now));
  CHECK(html.find("No run yet") != std::string::npos);
}

TEST_CASE("dashboard loader reads the original state.json")
{
  const Model model = load_fixture("original");
  REQUIRE(model.last);
  CHECK(model.last->status == "reverted");
  CHECK(model.last->baseline.p50_ms == 17);
  REQUIRE(model.last->variants.size() == 1);
  CHECK(model.last->variants[0].stats.p50_ms == 14);
}

TEST_CASE("dashboard loader: the last run's decisions, coach and curves")
{
  const Model model = load_fixture("normal");
  REQUIRE(model.last);
  CHECK(model.last->run_id == "20261122T233000Z");
  CHECK(model.last->kept_variant == "workers_2");
  REQUIRE(model.last->variants.size() == 2);
  CHECK(model.last->variants[1].estimate_pct == Approx(14.7));
  CHECK(model.last->variants[1].ci_low_pct == Approx(13.1));
  CHECK(model.last->variants[1].ci_high_pct == Approx(16.1));
  // The interval is two-sided at 2c - 1 for a one-sided level c, as
  // smart-decide's reasons say: 0.95 -> "90% CI".
  CHECK(confidence_summary(model.last->variants[1]) == "improvement 14.7% (90% CI 13.1 to 16.1%)");
  // smart-decide writes null for an unbounded side.
  VariantResult open_ended;
  merge_decision(open_ended,
                 decision_reply_from_json(boost::json::parse(R"({"smart": {"estimate_improve_pct": 15.555,
      "ci_improve_pct": [null, 100], "confidence_used": 0.9944}})")
                                            .as_object()));
  CHECK(confidence_summary(open_ended) == "improvement 15.6% (98.9% CI \u2212\u221e to 100.0%)");
  CHECK(model.last->variants[1].confidence_level == Approx(0.95));
  CHECK(model.last->variants[1].decided_by == "p50_improvement");
  REQUIRE(model.last->coach);
  CHECK(model.last->coach->next_variant == "workers_4");
  REQUIRE(model.curves.size() == 3);
  CHECK(model.curves[0].name == "baseline");
  CHECK(model.curves[0].n_good == 300);
  CHECK(model.curves[0].points.front().second == 0);
  CHECK(model.curves[0].points.back().second == 1);
  CHECK(model.history.size() == 16);
}

TEST_CASE("dashboard coach: smart-run's question and smart-phone's advice, in every shape written")
{
  const std::string run = "20261122T233000Z";
  const std::string ask =
    R"({"variant": "workers_2", "verdict": "keep", "confidence": 0.93, "REASON": "clear gain",
                              "applied": true})";
  const std::string advice =
    R"({"advice": "try 4 workers", "next_variant": "workers_4", "confidence": 0.85})";
  const auto load = [&](const std::string& summary_extra, const std::string& coach_json) {
    TempDir dir("dashboard-coach");
    fs::create_directories(dir.path / "runs" / run);
    const std::string summary = R"({"run_id": ")" + run + R"(", "experiment": "e", "status": "kept",
      "kept_variant": "workers_2", "finished_at": "2026-11-22T23:40:09Z", "variants": [])" +
                                summary_extra + "}";
    util::write_file_atomically(dir.path / "runs" / run / "summary.json", summary);
    util::write_file_atomically(dir.path / "state.json", summary);
    if (!coach_json.empty()) {
      util::write_file_atomically(dir.path / "runs" / run / "coach.json", coach_json);
    }
    return load_model({dir.path / "state.json", dir.path, dir.path / "runs"});
  };
  const auto with = [](std::string text, const std::string& key) {
    return std::regex_replace(text, std::regex("REASON"), key);
  };
  const auto check_both = [&](const Model& model) {
    REQUIRE(model.last);
    REQUIRE(model.last->coach);
    const Coach& coach = *model.last->coach;
    CHECK(coach.variant == "workers_2");
    CHECK(coach.verdict == "keep");
    CHECK(coach.ask_confidence == Approx(0.93));
    CHECK(coach.reason == "clear gain");
    CHECK(coach.applied == true);
    CHECK(coach.advice == "try 4 workers");
    CHECK(coach.next_variant == "workers_4");
    CHECK(coach.confidence == Approx(0.85));
    const std::string text = render_text(model, context_for(model, golden_now), false);
    CHECK(text.find("asked about workers_2: keep, confidence 93%, applied") != std::string::npos);
    CHECK(text.find("clear gain") != std::string::npos);
    CHECK(text.find("try 4 workers") != std::string::npos);
    CHECK(text.find("next to try: workers_4 (confidence 85%)") != std::string::npos);
  };
  SECTION("now: coach_ask in summary.json (smart-run), the advice in coach.json (smart-phone)")
  {
    check_both(load(R"(, "coach_ask": )" + with(ask, "reason"), advice));
  }
  SECTION("before: smart-run's record as coach, smart-phone's merged over it with the record under ask")
  {
    const std::string merged =
      advice.substr(0, advice.size() - 1) + R"(, "ask": )" + with(ask, "advice") + "}";
    check_both(load(R"(, "coach": )" + merged, merged));
  }
  SECTION("before, no advice yet: smart-run's record as coach and in coach.json")
  {
    const Model model = load(R"(, "coach": )" + with(ask, "advice"), with(ask, "advice"));
    REQUIRE(model.last);
    REQUIRE(model.last->coach);
    CHECK(model.last->coach->verdict == "keep");
    CHECK(model.last->coach->reason == "clear gain");
    CHECK(model.last->coach->ask_confidence == Approx(0.93));
    CHECK(model.last->coach->advice.empty());
    CHECK_FALSE(model.last->coach->confidence);
  }
}

TEST_CASE("dashboard CDF curve: thinned, monotonic, exact ends")
{
  std::vector<float> values;
  for (int i = 1000; i > 0; --i) {
    values.push_back(static_cast<float>(i));
  }
  const auto curve = make_curve("v", values, 50);
  REQUIRE(curve.points.size() == 50);
  CHECK(curve.points.front().first == 1);
  CHECK(curve.points.back().first == 1000);
  for (std::size_t i = 1; i < curve.points.size(); ++i) {
    CHECK(curve.points[i].first >= curve.points[i - 1].first);
  }
  CHECK(make_curve("none", {}).points.empty());
  CHECK(make_curve("one", {5.0F}).points.size() == 2);
}

TEST_CASE("dashboard nice_ticks are round and cover the range")
{
  CHECK(nice_ticks(0, 20, 4) == std::vector<double>{0, 10, 20});
  const auto ticks = nice_ticks(7.3, 31.2, 6);
  CHECK(ticks.front() <= 7.3);
  CHECK(ticks.back() >= 31.2);
  CHECK(ticks.size() <= 8);
  CHECK(nice_ticks(5, 5, 4).size() >= 2);
}

TEST_CASE("dashboard nice_ticks: never empty, always finite, whatever the range")
{
  const double big = 1.7e308;
  for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{{-big, big},
                                                                     {0, big + big}, // +inf
                                                                     {1e300, 1e300},
                                                                     {std::nan(""), std::nan("")},
                                                                     {big, -big}}) {
    const auto ticks = nice_ticks(lo, hi, 4);
    INFO("lo " << lo << " hi " << hi);
    REQUIRE(ticks.size() >= 2);
    for (std::size_t i = 0; i < ticks.size(); ++i) {
      CHECK(std::isfinite(ticks[i]));
      if (i > 0) {
        CHECK(ticks[i] > ticks[i - 1]);
      }
    }
  }
}

TEST_CASE("dashboard format_age: any duration, even one no integer holds")
{
  CHECK(format_age(util::Duration(42)) == "42 s");
  CHECK(format_age(util::Duration(3 * 3600 + 120)) == "3 h 2 min");
  CHECK(format_age(util::Duration(3 * 86400)) == "3 days");
  CHECK(format_age(util::Duration(-5)) == "0 s");
  const std::string huge = format_age(util::Duration(1e308));
  CHECK(huge.size() > 300);
  CHECK(huge.ends_with(" days"));
}

TEST_CASE("dashboard: numbers at the ends of a double's range are rendered, not undefined")
{
  // Runs whose every number is +-1.7e308: the trends' axes, the durations
  // and the percentages must still come out (this build may run under UBSan).
  TempDir dir("dashboard-extremes");
  fs::create_directories(dir.path / "runs");
  std::string history;
  const char* values[] = {"1.7e308", "-1.7e308", "1e308"};
  for (int i = 0; i < 3; ++i) {
    const std::string v = values[i];
    const std::string stats = R"({"n": )" + v + R"(, "err_pct": )" + v + R"(, "p50_ms": )" + v +
                              R"(, "p95_ms": )" + v + R"(, "p99_ms": )" + v + R"(, "mean_ms": )" + v + "}";
    history += fmt::format(
      R"({{"run_id": "2026112{0}T160000Z", "experiment": "001_nginx_workers", "status": "kept", )"
      R"("kept_variant": "w2", "started_at": "2026-11-2{0}T16:00:00Z", "finished_at": "2026-11-2{0}T16:10:00Z", )"
      R"("duration_s": {1}, "baseline": {2}, "variants": [{{"name": "w2", "outcome": "keep", "stats": {2}, )"
      R"("improve_pct": {1}, "err_delta_pct": {1}}}]}})"
      "\n",
      i, v, stats);
  }
  util::write_file_atomically(dir.path / "history.jsonl", history);
  util::write_file_atomically(dir.path / "state.json", history.substr(0, history.find('\n')));
  const Model model = load_model({dir.path / "state.json", dir.path, dir.path / "runs"});
  REQUIRE(model.history.size() == 3);
  const auto context = context_for(model, golden_now);
  CHECK(render_index_html(model, context).find("<svg") != std::string::npos);
  CHECK(render_text(model, context, true).find(" days") != std::string::npos);
  CHECK_FALSE(render_metrics_prom(model, context).empty());
  CHECK_FALSE(render_history_json(model).empty());
}

TEST_CASE("dashboard CDF switches to a log axis for long tails")
{
  std::vector<float> fast;
  for (int i = 0; i < 1000; ++i) {
    fast.push_back(i < 950 ? 0.15F + static_cast<float>(i) * 0.0001F : 5.0F + static_cast<float>(i - 950));
  }
  const std::string svg = cdf_chart_svg({make_curve("baseline", fast)}, "none");
  CHECK(svg.find("log scale") != std::string::npos);
  CHECK(svg.find(">0.1</text>") != std::string::npos);
  CHECK(svg.find(">10</text>") != std::string::npos);
  std::vector<float> narrow{15, 16, 17, 18, 19, 20, 25};
  CHECK(cdf_chart_svg({make_curve("baseline", narrow)}, "none").find("log scale") == std::string::npos);
}

TEST_CASE("dashboard render is deterministic")
{
  const Model model = load_fixture("normal");
  const auto context = context_for(model, golden_now);
  CHECK(render_index_html(model, context) == render_index_html(model, context));
}

namespace {

// The x of every dot of an SVG, in document order.
std::vector<double> dot_xs(const std::string& svg)
{
  std::vector<double> xs;
  const std::regex cx("<circle[^>]* cx=\"([0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), cx); it != std::sregex_iterator(); ++it) {
    xs.push_back(std::stod((*it)[1]));
  }
  return xs;
}

RunSummary trend_run(std::string id, std::string_view finished, double base_p50, double var_p50)
{
  RunSummary run;
  run.run_id = std::move(id);
  run.experiment = "e";
  run.status = "reverted";
  run.finished = at(finished);
  run.baseline.p50_ms = base_p50;
  VariantResult variant;
  variant.name = "v";
  variant.outcome = "revert";
  variant.stats.p50_ms = var_p50;
  variant.improve_pct = (base_p50 - var_p50) / base_p50 * 100;
  run.variants.push_back(variant);
  return run;
}

} // namespace

TEST_CASE("dashboard trends: x is time, not the run's index, with dates on the axis")
{
  // Two runs an hour apart, then one nine hours later: spaced 1 : 9.
  const std::vector<RunSummary> runs{trend_run("a", "2026-11-22T10:00:00Z", 17, 16),
                                     trend_run("b", "2026-11-22T11:00:00Z", 17, 16),
                                     trend_run("c", "2026-11-22T20:00:00Z", 17, 16)};
  const std::string svg = trend_chart_svg({&runs[0], &runs[1], &runs[2]}, "e");
  const auto xs = dot_xs(svg);
  REQUIRE(xs.size() == 3);
  CHECK((xs[2] - xs[1]) / (xs[1] - xs[0]) == Approx(9).epsilon(0.02));
  CHECK(svg.find(">11-22 10:00<") != std::string::npos); // the first tick names the day
  CHECK(svg.find("finished (UTC)") != std::string::npos);
}

TEST_CASE("dashboard trends: a single run is a labelled dot that says a trend needs a second run")
{
  const std::vector<RunSummary> runs{trend_run("a", "2026-11-22T10:00:00Z", 17, 16)};
  const std::string svg = trend_chart_svg({&runs[0]}, "e");
  const auto xs = dot_xs(svg); // the baseline's and the variant's, at the run's time
  REQUIRE(xs.size() == 2);
  CHECK(xs[0] == xs[1]);
  CHECK(svg.find("one run so far: a trend needs a second run") != std::string::npos);
  CHECK(svg.find(">16.0<") != std::string::npos); // its value beside it
}

TEST_CASE("dashboard trends: error rate and resource cost, 'no data' without resource fields")
{
  const auto normal = render_fixture("normal");
  for (const auto* id :
       {"id=\"trend-latency\"", "id=\"trend-errors\"", "id=\"trend-cpu\"", "id=\"trend-memory\""}) {
    INFO(id);
    const auto at_chart = normal.html.find(id);
    REQUIRE(at_chart != std::string::npos);
    const auto figure = normal.html.substr(at_chart, normal.html.find("</figure>", at_chart) - at_chart);
    CHECK(figure.find("<svg") != std::string::npos);
  }
  CHECK(normal.html.find("0.300 ms") == std::string::npos); // one number format: 0.30
  const auto failing = render_fixture("failing");
  const auto cpu = failing.html.substr(failing.html.find("id=\"trend-cpu\""));
  CHECK(cpu.substr(0, cpu.find("</figure>")).find("No data: no run recorded the service's CPU") !=
        std::string::npos);
  const std::vector<RunSummary> runs{trend_run("a", "2026-11-22T10:00:00Z", 17, 16)};
  CHECK(trend_chart_svg({&runs[0]}, "e", TrendMetric::cpu_per_request).empty());
}

TEST_CASE("dashboard trends: each variant's results across runs say whether the win held")
{
  const auto r = render_fixture("normal");
  CHECK(r.text.find(
          "keepalive_120  −17.6%* −4.0% −17.0%* −5.0% −16.4%* −4.6%  (kept 3 of 7, not in its last run)") !=
        std::string::npos);
  CHECK(r.text.find("(kept in its last run, 1 of 8)") != std::string::npos);
  const auto trends = r.html.substr(r.html.find("id=\"trends\""));
  CHECK(trends.find("keepalive_120 <span class=\"held-words\">kept 3 of 7, not in its last run</span>") !=
        std::string::npos);
  CHECK(trends.find("−16.4% ★") != std::string::npos);
}

TEST_CASE("dashboard: each experiment's risk class, on the page and in the terminal")
{
  const auto r = render_fixture("normal");
  CHECK(r.model.risk_of("002_nginx_keepalive") == "availability");
  CHECK(line_of(r.text, "experiment").find("(risk: none)") != std::string::npos);
  CHECK(r.text.find("trend       002_nginx_keepalive (risk: availability)") != std::string::npos);
  CHECK(r.html.find("<span class=\"pill risk warn\"") != std::string::npos);
  CHECK(r.html.find("risk: availability</span>") != std::string::npos);
  // An experiment whose runs kept no meta.json: unknown, never a guess.
  Model model;
  CHECK(model.risk_of("gone").empty());
}

TEST_CASE("dashboard: the Δ of the last run is the number its reasons give, and says so")
{
  // The statistical rule's estimate (Hodges-Lehmann, 93.5%) differs from the
  // plain difference of the medians (93.1%); the reason uses the estimate.
  Model model;
  RunSummary run = trend_run("20261122T100000Z", "2026-11-22T10:10:00Z", 100, 6.9);
  run.variants[0].outcome = "keep";
  run.status = "kept";
  run.kept_variant = "v";
  run.variants[0].estimate_pct = 93.5;
  run.variants[0].ci_low_pct = 90.1;
  run.variants[0].ci_high_pct = 95.0;
  run.variants[0].confidence_level = 0.95;
  run.variants[0].reasons = {"p50 93.5% faster (90% CI 90.1% to 95.0%, Hodges-Lehmann)"};
  model.history.push_back(run);
  model.last = run;
  const auto context = context_for(model, at("2026-11-22T10:20:00Z"));
  const std::string html = render_index_html(model, context);
  const std::string text = render_text(model, context, false);
  const auto table =
    html.substr(html.find("id=\"variants\""),
                html.find("</table>", html.find("id=\"variants\"")) - html.find("id=\"variants\""));
  CHECK(table.find("Δ (estimate)") != std::string::npos);
  CHECK(table.find("−93.5%") != std::string::npos);
  CHECK(table.find("−93.1%") == std::string::npos);
  CHECK(line_of(text, "  variant").find("Δ est.") != std::string::npos);
  CHECK(line_of(text, "  v ").find("−93.5%") != std::string::npos);
  // The history shows the medians' difference under its own name.
  const auto history = html.substr(html.find("id=\"history\""));
  CHECK(history.find("Δ median</th>") != std::string::npos);
  CHECK(history.find("−93.1%") != std::string::npos);
}
