// libtorch's random generator and the process's resident memory are process-wide: tests that
// seed the generator or measure memory would see each other's work if classes ran in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
