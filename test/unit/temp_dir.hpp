#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include <stdlib.h>

// A fresh directory under /tmp for one test, removed with everything in it
// when the test ends.
struct TempDir {
  std::filesystem::path path;

  explicit TempDir(const std::string& tag = "unit")
  {
    std::string pattern = "/tmp/smart-" + tag + ".XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    path = pattern;
  }
  ~TempDir()
  {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};
