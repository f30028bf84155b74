// Autograd: gradients, backward, grad mode. Grad mode is thread-local in libtorch, as in .NET's scope.
#include "common.h"

TFN_EXPORT int tfn_tensor_set_requires_grad(TfTensor t, int value) { TFN_STATUS({ t->set_requires_grad(value != 0); }) }

// Writes the gradient handle, or null when the tensor has none yet.
TFN_EXPORT int tfn_tensor_grad(TfTensor t, TfTensor* out) {
  TFN_STATUS({
    const auto& g = t->grad();
    *out = g.defined() ? tfn::wrap(g) : nullptr;
  })
}
TFN_EXPORT int tfn_tensor_set_grad(TfTensor t, TfTensor grad) {
  TFN_STATUS({ t->mutable_grad() = grad ? *grad : at::Tensor(); })
}

TFN_EXPORT int tfn_tensor_backward(TfTensor t, TfTensor grad, int retain_graph) {
  TFN_STATUS({
    t->backward(grad ? *grad : at::Tensor(), retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt, false);
  })
}

// Computes d(outputs)/d(inputs) without touching .grad, for penalties that need gradients of gradients.
TFN_EXPORT int tfn_autograd_grad(TfTensor* outputs, int64_t nout, TfTensor* inputs, int64_t nin, int create_graph, TfTensor* results) {
  TFN_STATUS({
    auto gs = torch::autograd::grad(tfn::unwrap_list(outputs, nout), tfn::unwrap_list(inputs, nin), {},
                                    c10::nullopt, create_graph != 0, /*allow_unused=*/true);
    for (int64_t i = 0; i < nin; ++i) results[i] = gs[i].defined() ? tfn::wrap(gs[i]) : nullptr;
  })
}

// Returns the previous mode so a .NET scope can restore it.
TFN_EXPORT int tfn_autograd_set_enabled(int enabled) {
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled != 0);
  return prev ? 1 : 0;
}
TFN_EXPORT int tfn_autograd_is_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
