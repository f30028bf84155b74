using System.Runtime.InteropServices;

namespace TransferFunctions.Torch.Interop;

/// <summary>
/// The C ABI of libtfnative, one declaration per entry point. Tensor-returning calls return
/// <see cref="IntPtr.Zero"/> on failure and status calls return -1; the message is then read
/// with <c>tfn_last_error</c>. Callers go through <c>Check</c>.
/// </summary>
internal static partial class NativeMethods
{
    private const string Lib = "tfnative";

    /// <summary>OpenMP wait policy applied unless the environment sets one (see the static constructor).</summary>
    internal const string DefaultOpenMpWaitPolicy = "PASSIVE";

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    // Runs before the first native call of the process, whichever API it comes from.
    static NativeMethods()
    {
        // libgomp reads OMP_WAIT_POLICY once, when libtorch loads, which is after this line. Spinning
        // waiters made a training step 8-15x slower on a 2-core machine shared with other work (PyTorch
        // 1.13 itself: 155 ms/step spinning vs 18 ms passive); sleeping waiters cost little when idle.
        // .NET's Environment.SetEnvironmentVariable does not reach native getenv, hence libc's setenv.
        setenv("OMP_WAIT_POLICY", DefaultOpenMpWaitPolicy, 0);
        var requested = Environment.GetEnvironmentVariable(torch.ThreadsVariable);
        var threads = int.TryParse(requested, out var n) && n > 0 ? n : Environment.ProcessorCount;
        Check(tfn_set_num_threads(threads));
    }

    // ---- errors ----
    [LibraryImport(Lib)] internal static partial IntPtr tfn_last_error();
    [LibraryImport(Lib)] internal static partial void tfn_clear_error();

    // ---- lifecycle and metadata ----
    [LibraryImport(Lib)] internal static partial void tfn_tensor_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial long tfn_tensor_dim(IntPtr t);
    [LibraryImport(Lib)] internal static partial long tfn_tensor_numel(IntPtr t);
    [LibraryImport(Lib)] internal static unsafe partial void tfn_tensor_shape(IntPtr t, long* shape);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_dtype(IntPtr t);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_device_type(IntPtr t);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_device_index(IntPtr t);
    [LibraryImport(Lib)] internal static partial long tfn_tensor_nbytes(IntPtr t);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_is_contiguous(IntPtr t);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_requires_grad(IntPtr t);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_is_leaf(IntPtr t);

    // ---- creation ----
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_empty(long* shape, long ndim, int dtype, int dev, int idx, int rg);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_zeros(long* shape, long ndim, int dtype, int dev, int idx, int rg);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_ones(long* shape, long ndim, int dtype, int dev, int idx, int rg);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_full(long* shape, long ndim, double value, int dtype, int dev, int idx, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_arange(double start, double end, double step, int dtype, int dev, int idx);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_eye(long n, int dtype, int dev, int idx);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_rand(long* shape, long ndim, int dtype, int dev, int idx, int rg);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_randn(long* shape, long ndim, int dtype, int dev, int idx, int rg);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_randint(long low, long high, long* shape, long ndim, int dtype, int dev, int idx);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_randperm(long n, int dtype, int dev, int idx);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_bernoulli(IntPtr p);
    [LibraryImport(Lib)] internal static partial void tfn_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_from_data(void* data, long* shape, long ndim, int dtype, int dev, int idx, int rg);
    [LibraryImport(Lib)] internal static unsafe partial int tfn_tensor_copy_to(IntPtr t, void* dst, long nbytes);
    [LibraryImport(Lib)] internal static unsafe partial int tfn_tensor_item(IntPtr t, double* value);
    [LibraryImport(Lib)] internal static unsafe partial int tfn_tensor_item_long(IntPtr t, long* value);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_to(IntPtr t, int dtype, int dev, int idx, int copy);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_clone(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_detach(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_alias(IntPtr t);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_copy_(IntPtr dst, IntPtr src);

    // ---- views ----
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_view(IntPtr t, long* shape, long ndim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_reshape(IntPtr t, long* shape, long ndim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_expand(IntPtr t, long* shape, long ndim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_permute(IntPtr t, long* order, long ndim);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_transpose(IntPtr t, long d0, long d1);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_contiguous(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_squeeze(IntPtr t, long dim, int all);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_unsqueeze(IntPtr t, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_flatten(IntPtr t, long start, long end);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_slice(IntPtr t, long dim, long start, long end, long step);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_select(IntPtr t, long dim, long index);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_cat(IntPtr* ts, long n, long dim);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_stack(IntPtr* ts, long n, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_index_select(IntPtr t, long dim, IntPtr index);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_gather(IntPtr t, long dim, IntPtr index);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_masked_select(IntPtr t, IntPtr mask);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_masked_fill(IntPtr t, IntPtr mask, double value);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_index(IntPtr t, IntPtr index);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_where(IntPtr cond, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_one_hot(IntPtr t, long classes);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_flip(IntPtr t, long* dims, long nd);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_roll(IntPtr t, long* shifts, long* dims, long nd);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_pad(IntPtr t, long* pads, long n, double value);

    // ---- math ----
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_unary(IntPtr t, int op);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_binary(IntPtr a, IntPtr b, int op);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_binary_scalar(IntPtr a, double s, int op);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_rsub_scalar(IntPtr a, double s);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_rdiv_scalar(IntPtr a, double s);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_binary_(IntPtr a, IntPtr b, int op);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_binary_scalar_(IntPtr a, double s, int op);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_add_scaled(IntPtr a, IntPtr b, double alpha);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_add_scaled_(IntPtr a, IntPtr b, double alpha);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_clamp(IntPtr t, double lo, double hi, int hasLo, int hasHi);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_fill_(IntPtr t, double value);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_uniform_(IntPtr t, double lo, double hi);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_normal_(IntPtr t, double mean, double std);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_matmul(IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_lerp(IntPtr a, IntPtr b, double w);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_tensor_reduce(IntPtr t, int op, long* dims, long nd, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_argmax(IntPtr t, long dim, int keepdim, int hasDim);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_argmin(IntPtr t, long dim, int keepdim, int hasDim);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_max_dim(IntPtr t, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_topk(IntPtr t, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_sort(IntPtr t, long dim, int descending, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_tensor_cumsum(IntPtr t, long dim);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_allclose(IntPtr a, IntPtr b, double rtol, double atol, out int result);

    // ---- nn functional ----
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_linear(IntPtr x, IntPtr w, IntPtr b);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_nn_conv2d(IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* dilation, long groups);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_batch_norm(IntPtr x, IntPtr w, IntPtr b, IntPtr mean, IntPtr var, int training, double momentum, double eps);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_nn_layer_norm(IntPtr x, long* shape, long nd, IntPtr w, IntPtr b, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_softmax(IntPtr x, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_log_softmax(IntPtr x, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_dropout(IntPtr x, double p, int training);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_relu_(IntPtr x);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_nn_max_pool2d(IntPtr x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_nn_avg_pool2d(IntPtr x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_nn_adaptive_avg_pool2d(IntPtr x, long* size);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_interpolate_bilinear(IntPtr x, long h, long w, int alignCorners, int antialias);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_cross_entropy(IntPtr logits, IntPtr target, IntPtr weight, long reduction, long ignoreIndex, double labelSmoothing);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_nll_loss(IntPtr logp, IntPtr target, IntPtr weight, long reduction, long ignoreIndex);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_mse_loss(IntPtr x, IntPtr y, long reduction);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_nn_bce_with_logits(IntPtr x, IntPtr y, IntPtr weight, IntPtr posWeight, long reduction);

    // ---- autograd ----
    [LibraryImport(Lib)] internal static partial int tfn_tensor_set_requires_grad(IntPtr t, int value);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_grad(IntPtr t, out IntPtr grad);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_set_grad(IntPtr t, IntPtr grad);
    [LibraryImport(Lib)] internal static partial int tfn_tensor_backward(IntPtr t, IntPtr grad, int retainGraph);
    [LibraryImport(Lib)] internal static unsafe partial int tfn_autograd_grad(IntPtr* outputs, long nout, IntPtr* inputs, long nin, int createGraph, IntPtr* results);
    [LibraryImport(Lib)] internal static partial int tfn_autograd_set_enabled(int enabled);
    [LibraryImport(Lib)] internal static partial int tfn_autograd_is_enabled();

    // ---- optimizers ----
    [LibraryImport(Lib)] internal static unsafe partial int tfn_optim_sgd_step(IntPtr* ps, IntPtr* bufs, long n, double lr, double momentum, double dampening, double wd, int nesterov, int firstStep);
    [LibraryImport(Lib)] internal static unsafe partial int tfn_optim_adamw_step(IntPtr* ps, IntPtr* m, IntPtr* v, IntPtr* steps, long n, double lr, double beta1, double beta2, double eps, double wd);
    [LibraryImport(Lib)] internal static unsafe partial int tfn_optim_zero_grad(IntPtr* ps, long n);
    [LibraryImport(Lib)] internal static unsafe partial int tfn_optim_clip_grad_norm(IntPtr* ps, long n, double maxNorm, out double totalNorm);

    // ---- images ----
    [LibraryImport(Lib)] internal static unsafe partial int tfn_image_info(byte* bytes, long length, out int width, out int height, out int channels);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_image_decode(byte* bytes, long length, long maxPixels, int channels);
    [LibraryImport(Lib)] internal static partial IntPtr tfn_image_encode_png(IntPtr image);

    // ---- TorchScript ----
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr tfn_jit_load(string path, int dev, int idx);
    [LibraryImport(Lib)] internal static partial void tfn_jit_free(IntPtr m);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int tfn_jit_save(IntPtr m, string path);
    [LibraryImport(Lib)] internal static partial int tfn_jit_train(IntPtr m, int on);
    [LibraryImport(Lib)] internal static partial int tfn_jit_is_training(IntPtr m);
    [LibraryImport(Lib)] internal static partial int tfn_jit_to(IntPtr m, int dev, int idx);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr tfn_jit_forward(IntPtr m, IntPtr* inputs, long n);
    [LibraryImport(Lib)] internal static partial long tfn_jit_tensor_count(IntPtr m, int kind, out long namesBytes);
    [LibraryImport(Lib)] internal static unsafe partial int tfn_jit_tensors(IntPtr m, int kind, IntPtr* outTensors, byte* names, long namesBytes);

    // ---- runtime ----
    [LibraryImport(Lib)] internal static partial int tfn_get_num_threads();
    [LibraryImport(Lib)] internal static partial int tfn_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int tfn_cuda_is_available();
    [LibraryImport(Lib)] internal static partial int tfn_cuda_device_count();
    [LibraryImport(Lib)] internal static partial int tfn_cuda_synchronize();
    [LibraryImport(Lib)] internal static partial IntPtr tfn_torch_version();

    /// <summary>Turns a null handle into a <see cref="TorchException"/> carrying libtorch's message.</summary>
    internal static IntPtr Check(IntPtr handle)
    {
        if (handle == IntPtr.Zero) ThrowLastError();
        return handle;
    }

    /// <summary>Turns a -1 status into a <see cref="TorchException"/> carrying libtorch's message.</summary>
    internal static void Check(int status)
    {
        if (status != 0) ThrowLastError();
    }

    internal static void ThrowLastError()
    {
        var message = Marshal.PtrToStringUTF8(tfn_last_error()) ?? "native call failed without a message";
        tfn_clear_error();
        throw new TorchException(message);
    }
}
