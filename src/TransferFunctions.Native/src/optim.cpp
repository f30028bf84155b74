// Optimizer steps for a whole parameter group in one call: one transition per group instead of
// a dozen per parameter. The state tensors are owned by .NET so they can be saved and restored.
#include <cmath>
#include "common.h"

TFN_EXPORT int tfn_optim_sgd_step(TfTensor* params, TfTensor* momentum_buffers, int64_t n, double lr, double momentum,
                                  double dampening, double weight_decay, int nesterov, int first_step) {
  TFN_STATUS({
    torch::NoGradGuard no_grad;
    for (int64_t i = 0; i < n; ++i) {
      at::Tensor& p = *params[i];
      if (!p.grad().defined()) continue;
      at::Tensor d = p.grad();
      if (weight_decay != 0) d = d.add(p, weight_decay);
      if (momentum != 0) {
        at::Tensor& buf = *momentum_buffers[i];
        if (first_step) buf.copy_(d);
        else buf.mul_(momentum).add_(d, 1 - dampening);
        d = nesterov ? d.add(buf, momentum) : buf;
      }
      p.add_(d, -lr);
    }
  })
}

// `steps` are int64 scalars, one per parameter, counting the steps in which that parameter had a
// gradient: bias correction is per parameter, as in PyTorch, so a head that first receives
// gradients late (multi-task, gradual unfreezing) still gets full-size first updates.
TFN_EXPORT int tfn_optim_adamw_step(TfTensor* params, TfTensor* exp_avgs, TfTensor* exp_avg_sqs, TfTensor* steps, int64_t n,
                                    double lr, double beta1, double beta2, double eps, double weight_decay) {
  TFN_STATUS({
    torch::NoGradGuard no_grad;
    for (int64_t i = 0; i < n; ++i) {
      at::Tensor& p = *params[i];
      if (!p.grad().defined()) continue;
      steps[i]->add_(1);
      double step = static_cast<double>(steps[i]->item<int64_t>());
      double bias1 = 1 - std::pow(beta1, step);
      double bias2_sqrt = std::sqrt(1 - std::pow(beta2, step));
      const at::Tensor& g = p.grad();
      if (weight_decay != 0) p.mul_(1 - lr * weight_decay);
      exp_avgs[i]->lerp_(g, 1 - beta1);
      exp_avg_sqs[i]->mul_(beta2).addcmul_(g, g, 1 - beta2);
      at::Tensor denom = (exp_avg_sqs[i]->sqrt() / bias2_sqrt).add_(eps);
      p.addcdiv_(*exp_avgs[i], denom, -lr / bias1);
    }
  })
}

// Sets every gradient of the group to none (PyTorch's zero_grad(set_to_none=True)).
TFN_EXPORT int tfn_optim_zero_grad(TfTensor* params, int64_t n) {
  TFN_STATUS({
    for (int64_t i = 0; i < n; ++i) params[i]->mutable_grad() = at::Tensor();
  })
}

// Scales gradients so their global L2 norm is at most max_norm; writes the norm before clipping.
TFN_EXPORT int tfn_optim_clip_grad_norm(TfTensor* params, int64_t n, double max_norm, double* total_norm) {
  TFN_STATUS({
    std::vector<at::Tensor> ps = tfn::unwrap_list(params, n);
    *total_norm = torch::nn::utils::clip_grad_norm_(ps, max_norm);
  })
}
