#pragma once

#include <smart/dashboard/model.hpp>
#include <smart/dashboard/render.hpp>
#include <smart/util/html.hpp>

#include <fmt/format.h>

#include <iterator>
#include <string>
#include <string_view>
#include <utility>

// The pieces of index.html that its cards share: the page is written by
// render_html.cpp, its status card by render_status.cpp. Internal to the
// dashboard's HTML renderer; nothing else includes it.

namespace smart::dashboard::html_page {

// The page being written: raw markup, escaped text, or formatted markup
// (the arguments of f are not escaped: only numbers and known tokens).
struct Html {
  std::string out;

  Html& raw(std::string_view text)
  {
    out += text;
    return *this;
  }
  Html& text(std::string_view text)
  {
    util::append_html_escaped(out, text);
    return *this;
  }
  template<typename... Args>
  Html& f(fmt::format_string<Args...> format, Args&&... args)
  {
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
    return *this;
  }
};

// The run's outcome in smart::outcome's words, and its CSS class token.
std::string_view status_label(const RunSummary& run);
std::string_view status_class(const RunSummary& run);

// A verdict's CSS class token.
std::string_view outcome_class(std::string_view verdict, std::string_view mode);

// A link to the run's directory, or to one file in it; the plain id when
// the id is not a safe name.
void run_link(Html& html, const std::string& run_id, std::string_view file = {});

// A <td> with Δ p50 as a latency change (negative is faster); the verdict's
// pill beside it when with_verdict and the verdict needs explaining.
void delta_cell(Html& html, OptNumber improve_pct, std::string_view verdict, std::string_view mode,
                bool with_verdict);

// An experiment's risk class (meta.json "risk") as a pill.
void risk_pill(Html& html, const std::string& risk);

// The status card of the last run: outcome, what is kept, the variants'
// table, the reasons of each verdict, the run's files.
void status_card(Html& html, const Model& model, const RunSummary& run, const RenderContext& context);

} // namespace smart::dashboard::html_page
