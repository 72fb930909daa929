// libFuzzer target: the dashboard's loader, which must show what it can of a
// state directory whatever is in it ("never throws for bad data"). The input
// is history.jsonl; its first line also serves as state.json. The model is
// then judged and rendered as smart-dashboard would (HTML, JSON, text,
// Prometheus), so values the loader lets through are rendered too.
#include <smart/dashboard/health.hpp>
#include <smart/dashboard/load.hpp>
#include <smart/dashboard/render.hpp>

#include <unistd.h>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace {

namespace fs = std::filesystem;

// One directory per fuzzing process, removed when it ends.
struct StateDir {
  fs::path root;
  StateDir()
  {
    std::string templ = (fs::temp_directory_path() / "smart-fuzz-dashboard.XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      std::abort();
    }
    root = templ;
    fs::create_directories(root / "runs");
  }
  ~StateDir()
  {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
};

void write_file(const fs::path& path, std::string_view content)
{
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) {
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const StateDir dir;
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  write_file(dir.root / "history.jsonl", content);
  write_file(dir.root / "state.json", content.substr(0, content.find('\n')));

  const smart::dashboard::StatePaths paths{dir.root / "state.json", dir.root, dir.root / "runs"};
  const auto model = smart::dashboard::load_model(paths);
  // A fixed "now": 2026-12-03T12:00:00Z.
  const smart::util::SystemTime now{std::chrono::seconds(1796299200)};
  smart::dashboard::RenderContext context{now, smart::dashboard::assess_health(model, now, {}), 100, 200};
  (void)smart::dashboard::render_index_html(model, context);
  (void)smart::dashboard::render_health_json(model, context);
  (void)smart::dashboard::render_history_json(model);
  (void)smart::dashboard::render_metrics_prom(model, context);
  (void)smart::dashboard::render_text(model, context, true);
  return 0;
}
