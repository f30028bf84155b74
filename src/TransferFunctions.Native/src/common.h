// Shared by every translation unit of the C ABI: handle types, export macro and the
// exception barrier. No C++ exception may cross into .NET; each entry point records the
// message in a thread-local slot and returns a sentinel the C# side checks.
#pragma once
#include <torch/torch.h>
#include <cstdint>
#include <string>
#include <vector>

#define TFN_EXPORT extern "C" __attribute__((visibility("default")))

typedef at::Tensor* TfTensor;

namespace tfn {
void set_error(const char* message);
void clear_error();

inline TfTensor wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }

inline std::vector<at::Tensor> unwrap_list(TfTensor* handles, int64_t count) {
  std::vector<at::Tensor> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) out.push_back(*handles[i]);
  return out;
}

inline c10::optional<at::Tensor> optional_tensor(TfTensor t) {
  if (t == nullptr) return c10::nullopt;
  return *t;
}

inline at::IntArrayRef dims(const int64_t* values, int64_t count) {
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

at::ScalarType scalar_type(int code);
int scalar_type_code(at::ScalarType type);
at::Device device(int type, int index);
}  // namespace tfn

// Runs `body`; on an exception records its message and returns `fail`.
#define TFN_GUARD(fail, ...)                                \
  try {                                                      \
    __VA_ARGS__                                              \
  } catch (const c10::Error& e) {                            \
    tfn::set_error(e.what_without_backtrace());              \
  } catch (const std::exception& e) {                        \
    tfn::set_error(e.what());                                \
  } catch (...) {                                            \
    tfn::set_error("unknown native error");                  \
  }                                                          \
  return fail;

// Entry points returning a new tensor: nullptr signals an error.
#define TFN_TENSOR(...) TFN_GUARD(nullptr, return tfn::wrap(__VA_ARGS__);)
// Entry points with no result: 0 on success, -1 on error.
#define TFN_STATUS(...) TFN_GUARD(-1, __VA_ARGS__ return 0;)
