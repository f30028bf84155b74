// TorchScript modules exported from PyTorch: load, run, train from .NET, save.
#include <torch/script.h>
#include <cstring>
#include "common.h"

typedef torch::jit::Module* TfJitModule;

TFN_EXPORT TfJitModule tfn_jit_load(const char* path, int dev, int idx) {
  TFN_GUARD(nullptr, { return new torch::jit::Module(torch::jit::load(path, tfn::device(dev, idx))); })
}
TFN_EXPORT void tfn_jit_free(TfJitModule m) { delete m; }
TFN_EXPORT int tfn_jit_save(TfJitModule m, const char* path) { TFN_STATUS({ m->save(path); }) }
TFN_EXPORT int tfn_jit_train(TfJitModule m, int on) { TFN_STATUS({ m->train(on != 0); }) }
TFN_EXPORT int tfn_jit_is_training(TfJitModule m) { return m->is_training() ? 1 : 0; }
TFN_EXPORT int tfn_jit_to(TfJitModule m, int dev, int idx) { TFN_STATUS({ m->to(tfn::device(dev, idx)); }) }

TFN_EXPORT TfTensor tfn_jit_forward(TfJitModule m, TfTensor* inputs, int64_t n) {
  TFN_GUARD(nullptr, {
    std::vector<torch::jit::IValue> args;
    args.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) args.emplace_back(*inputs[i]);
    auto result = m->forward(args);
    if (result.isTuple()) result = result.toTupleRef().elements().at(0);
    TORCH_CHECK(result.isTensor(), "the scripted forward returned ", result.tagKind(), ", expected a tensor");
    return tfn::wrap(result.toTensor());
  })
}

namespace {
// kind 0: parameters, 1: buffers. Names are written '\0'-separated into `names`.
template <typename F>
void each_named(torch::jit::Module* m, int kind, F&& f) {
  if (kind == 0) {
    for (const auto& p : m->named_parameters(true)) f(p.name, p.value);
  } else {
    for (const auto& b : m->named_buffers(true)) f(b.name, b.value);
  }
}
}  // namespace

TFN_EXPORT int64_t tfn_jit_tensor_count(TfJitModule m, int kind, int64_t* names_bytes) {
  int64_t count = 0, bytes = 0;
  each_named(m, kind, [&](const std::string& name, const at::Tensor&) {
    ++count;
    bytes += static_cast<int64_t>(name.size()) + 1;
  });
  *names_bytes = bytes;
  return count;
}

TFN_EXPORT int tfn_jit_tensors(TfJitModule m, int kind, TfTensor* out, char* names, int64_t names_bytes) {
  TFN_STATUS({
    int64_t i = 0, offset = 0;
    each_named(m, kind, [&](const std::string& name, const at::Tensor& t) {
      TORCH_CHECK(offset + static_cast<int64_t>(name.size()) + 1 <= names_bytes, "name buffer too small");
      std::memcpy(names + offset, name.c_str(), name.size() + 1);
      offset += static_cast<int64_t>(name.size()) + 1;
      out[i++] = tfn::wrap(t);
    });
  })
}
