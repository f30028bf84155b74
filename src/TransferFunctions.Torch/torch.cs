using System.Runtime.InteropServices;
using N = TransferFunctions.Torch.Interop.NativeMethods;

namespace TransferFunctions.Torch;

/// <summary>
/// Entry point shaped like TorchSharp's <c>torch</c>: tensor factories, randomness, grad mode,
/// dispose scopes, threads and devices.
/// </summary>
#pragma warning disable CS8981 // lower-case on purpose: mirrors TorchSharp/PyTorch so code ports mechanically
public static class torch
{
    /// <summary>Environment variable that overrides the intra-op thread count (default: all available cores).</summary>
    public const string ThreadsVariable = "TF_THREADS";

    public static string Version => Marshal.PtrToStringUTF8(N.tfn_torch_version()) ?? "unknown";

    // ---- factories ----
    public static unsafe Tensor Empty(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return new Tensor(N.tfn_tensor_empty(s, shape.Length, (int)dtype, (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    public static unsafe Tensor Zeros(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return new Tensor(N.tfn_tensor_zeros(s, shape.Length, (int)dtype, (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    public static unsafe Tensor Ones(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return new Tensor(N.tfn_tensor_ones(s, shape.Length, (int)dtype, (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    public static unsafe Tensor Full(long[] shape, double value, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return new Tensor(N.tfn_tensor_full(s, shape.Length, value, (int)dtype, (int)d.Type, d.Index, 0));
    }

    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape, t.DType, t.Device);
    public static Tensor OnesLike(Tensor t) => Ones(t.Shape, t.DType, t.Device);

    public static Tensor Arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return new Tensor(N.tfn_tensor_arange(start, end, step, (int)dtype, (int)d.Type, d.Index));
    }

    public static Tensor Eye(long n, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return new Tensor(N.tfn_tensor_eye(n, (int)dtype, (int)d.Type, d.Index));
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static unsafe Tensor FromArray<T>(ReadOnlySpan<T> data, long[] shape, Device? device = null, bool requiresGrad = false) where T : unmanaged
    {
        long count = 1;
        foreach (var s in shape) count *= s;
        if (count != data.Length) throw new TorchException($"shape [{string.Join(", ", shape)}] holds {count} elements but {data.Length} were given");
        var d = device ?? Device.CPU;
        var dtype = TensorTypes.ScalarTypeOf<T>();
        fixed (T* p = data)
        fixed (long* s = shape)
            return new Tensor(N.tfn_tensor_from_data(p, s, shape.Length, (int)dtype, (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged =>
        FromArray<T>(data.AsSpan(), shape.Length == 0 ? new long[] { data.Length } : shape);

    public static Tensor Scalar(double value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Full(Array.Empty<long>(), value, dtype, device);

    // ---- random ----
    public static void ManualSeed(ulong seed) => N.tfn_manual_seed(seed);

    public static unsafe Tensor Rand(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return new Tensor(N.tfn_tensor_rand(s, shape.Length, (int)dtype, (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    public static unsafe Tensor Randn(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return new Tensor(N.tfn_tensor_randn(s, shape.Length, (int)dtype, (int)d.Type, d.Index, requiresGrad ? 1 : 0));
    }

    /// <summary>Integers uniformly drawn from <c>[low, high)</c>.</summary>
    public static unsafe Tensor RandInt(long low, long high, long[] shape, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        var d = device ?? Device.CPU;
        fixed (long* s = shape) return new Tensor(N.tfn_tensor_randint(low, high, s, shape.Length, (int)dtype, (int)d.Type, d.Index));
    }

    public static Tensor RandPerm(long n, Device? device = null)
    {
        var d = device ?? Device.CPU;
        return new Tensor(N.tfn_tensor_randperm(n, (int)ScalarType.Int64, (int)d.Type, d.Index));
    }

    /// <summary>Draws 0/1 with the probabilities in <paramref name="p"/>.</summary>
    public static Tensor Bernoulli(Tensor p) => Tensor.Wrap(N.tfn_tensor_bernoulli(p.Ptr), p);

    // ---- combining ----
    private static unsafe Tensor Combine(IReadOnlyList<Tensor> tensors, long dim, bool stack)
    {
        if (tensors.Count == 0) throw new TorchException(stack ? "stack expects a non-empty list of tensors" : "cat expects a non-empty list of tensors");
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].Ptr;
        IntPtr result;
        fixed (IntPtr* h = handles) result = stack ? N.tfn_tensor_stack(h, handles.Length, dim) : N.tfn_tensor_cat(h, handles.Length, dim);
        GC.KeepAlive(tensors);
        return new Tensor(result);
    }

    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Combine(tensors, dim, stack: false);
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Combine(tensors, dim, stack: true);
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Tensor.Wrap(N.tfn_tensor_where(condition.Ptr, a.Ptr, b.Ptr), condition, a, b);

    // ---- grad mode and scopes ----

    /// <summary>Disables autograd recording on this thread until disposed.</summary>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Re-enables autograd recording on this thread until disposed.</summary>
    public static GradModeScope EnableGrad() => new(enabled: true);

    public static bool IsGradEnabled => N.tfn_autograd_is_enabled() != 0;

    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Gradients of <paramref name="outputs"/> w.r.t. <paramref name="inputs"/> (null where unused), leaving <c>.Grad</c> untouched.</summary>
    public static unsafe Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, bool createGraph = false)
    {
        var o = outputs.Select(t => t.Ptr).ToArray();
        var i = inputs.Select(t => t.Ptr).ToArray();
        var r = new IntPtr[i.Length];
        fixed (IntPtr* po = o)
        fixed (IntPtr* pi = i)
        fixed (IntPtr* pr = r)
            N.Check(N.tfn_autograd_grad(po, o.Length, pi, i.Length, createGraph ? 1 : 0, pr));
        GC.KeepAlive(outputs);
        GC.KeepAlive(inputs);
        return r.Select(h => h == IntPtr.Zero ? null : new Tensor(h)).ToArray();
    }

    // ---- threads and devices ----
    public static int GetNumThreads() => N.tfn_get_num_threads();
    public static void SetNumThreads(int threads) => N.Check(N.tfn_set_num_threads(threads));

    /// <summary>CUDA queries; on the CPU-only libtorch from Debian they report no devices.</summary>
    public static class cuda
    {
        public static bool IsAvailable() => N.tfn_cuda_is_available() != 0;
        public static int DeviceCount() => N.tfn_cuda_device_count();
        public static void Synchronize() => N.Check(N.tfn_cuda_synchronize());
    }

    /// <summary>CUDA when available, else CPU; an explicit request ("cpu", "cuda:1") wins.</summary>
    public static Device DefaultDevice(string? requested = null) =>
        Device.Select(requested, cuda.IsAvailable(), cuda.IsAvailable() ? cuda.DeviceCount() : 0);
}
#pragma warning restore CS8981
