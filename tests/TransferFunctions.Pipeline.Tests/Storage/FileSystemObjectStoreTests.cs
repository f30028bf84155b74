using System.Diagnostics;
using System.Globalization;
using System.Text;
using TransferFunctions.Pipeline.Storage;
using TransferFunctions.Pipeline.Tests.TestSupport;

namespace TransferFunctions.Pipeline.Tests.Storage;

/// <summary>The contract on the filesystem store, plus what only a filesystem can get wrong (crashes, other processes).</summary>
public sealed class FileSystemObjectStoreTests : ObjectStoreContract, IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FileSystemObjectStore _store;

    public FileSystemObjectStoreTests()
    {
        _store = new FileSystemObjectStore(_folder.Path, _clock);
    }

    protected override IObjectStore Store => _store;

    protected override Task LetTimePassAsync(TimeSpan span)
    {
        _clock.Advance(span);
        return Task.CompletedTask;
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Temporary_file_left_by_an_interrupted_write_is_invisible_and_the_previous_version_survives()
    {
        var key = "models/fashion/v1/model.json";
        var v1 = await _store.WriteAsync(key, "{\"version\":1}"u8.ToArray(), cancellationToken: Ct);
        var folder = Path.GetDirectoryName(_store.GetFullPath(key))!;
        // What a process killed between "write temp" and "rename" leaves behind.
        var leftover = Path.Combine(folder, ".tfstore-tmp-99999-0123456789abcdef");
        await File.WriteAllTextAsync(leftover, "{\"version\":2, \"trunc", Ct);

        var listed = await ListKeysAsync("");
        var read = await _store.ReadAsync(key, Ct);
        var v2 = await _store.WriteAsync(key, "{\"version\":2}"u8.ToArray(), WriteCondition.IfMatch(v1.ETag), Ct);

        Assert.Equal([key], listed);
        Assert.Equal("{\"version\":1}", Encoding.UTF8.GetString(read!.Content.Span));
        Assert.Equal(v1.ETag, read.ETag);
        Assert.NotEqual(v1.ETag, v2.ETag);
        Assert.Equal([key], await ListKeysAsync("models/"));
    }

    [Fact]
    public async Task Writer_process_killed_while_holding_the_key_lock_blocks_others_only_until_it_dies()
    {
        // The other process is /bin/sh with flock(1): it takes the same OS lock (flock on the key's
        // lock file) that this store takes, starts a temp file as our writer would, and is then
        // SIGKILLed mid-way. Cheap, and as real as a dying process gets.
        var key = "models/fashion/aliases/champion.json";
        var v1 = await _store.WriteAsync(key, "{\"version\":1}"u8.ToArray(), cancellationToken: Ct);
        var lockFile = Path.Combine(_folder.Path, ".tfstore", "locks", FileLockSet.HashName(key) + ".lock");
        var temporary = Path.Combine(Path.GetDirectoryName(_store.GetFullPath(key))!, ".tfstore-tmp-4242-killed");
        var script = $"exec 9>\"{lockFile}\"; flock -x 9; printf '{{\"version\":2,\"tr' > \"{temporary}\"; echo locked; exec sleep 60";
        using var child = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardOutput = true })!;
        Assert.Equal("locked", await child.StandardOutput.ReadLineAsync(Ct));

        var write = _store.WriteAsync(key, "{\"version\":3}"u8.ToArray(), WriteCondition.IfMatch(v1.ETag), Ct);
        await Task.Delay(500, Ct);
        var blockedWhileChildAlive = !write.IsCompleted;
        child.Kill();
        await child.WaitForExitAsync(Ct);
        var v3 = await write.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.True(blockedWhileChildAlive, "the write should wait for the other process's lock");
        Assert.Equal("{\"version\":3}", Encoding.UTF8.GetString((await _store.ReadAsync(key, Ct))!.Content.Span));
        Assert.Equal(v3.ETag, (await _store.GetPropertiesAsync(key, Ct))!.ETag);
        Assert.Equal([key], await ListKeysAsync(""));
    }

    [Fact]
    public async Task Sweep_removes_temporary_files_of_dead_writers_only()
    {
        var key = "models/fashion/v1/weights.safetensors";
        await _store.WriteAsync(key, "weights"u8.ToArray(), cancellationToken: Ct);
        var folder = Path.GetDirectoryName(_store.GetFullPath(key))!;
        // Two real writers: both start a temporary file named with their own process id; one is then killed.
        Process StartWriter(string tag)
        {
            var script = $"printf partial > \"{folder}/.tfstore-tmp-$$-{tag}\"; echo written; exec sleep 60";
            var child = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardOutput = true })!;
            Assert.Equal("written", child.StandardOutput.ReadLine());
            return child;
        }
        using var dead = StartWriter("dead");
        using var alive = StartWriter("alive");
        dead.Kill();
        await dead.WaitForExitAsync(Ct);
        // This process's id on a file written before it started: the id was reused, the writer is gone.
        var reused = Path.Combine(folder, $".tfstore-tmp-{Environment.ProcessId}-reused");
        await File.WriteAllTextAsync(reused, "partial", Ct);
        File.SetLastWriteTimeUtc(reused, Process.GetCurrentProcess().StartTime.ToUniversalTime().AddMinutes(-5));
        var ours = Path.Combine(folder, $".tfstore-tmp-{Environment.ProcessId}-ours");
        await File.WriteAllTextAsync(ours, "partial", Ct);

        try
        {
            var removed = _store.SweepOrphanedTemporaryFiles();

            Assert.Equal(2, removed);
            Assert.False(File.Exists(Path.Combine(folder, $".tfstore-tmp-{dead.Id}-dead")));
            Assert.False(File.Exists(reused));
            Assert.True(File.Exists(Path.Combine(folder, $".tfstore-tmp-{alive.Id}-alive")), "a live writer's file stays");
            Assert.True(File.Exists(ours));
            Assert.Equal("weights", Encoding.UTF8.GetString((await _store.ReadAsync(key, Ct))!.Content.Span));
        }
        finally
        {
            alive.Kill();
        }
    }

    [Fact]
    public async Task Two_store_instances_on_one_folder_lose_no_update()
    {
        // Separate instances share no in-process semaphore, so only the lock files keep them apart,
        // exactly as for two processes.
        var other = new FileSystemObjectStore(_folder.Path, _clock);
        var key = "counter";
        await _store.WriteAsync(key, "0"u8.ToArray(), WriteCondition.CreateOnly, Ct);

        async Task IncrementAsync(IObjectStore store)
        {
            for (var i = 0; i < 20; i++)
            {
                while (true)
                {
                    var current = (await store.ReadAsync(key, Ct))!;
                    var value = int.Parse(Encoding.UTF8.GetString(current.Content.Span), CultureInfo.InvariantCulture);
                    try
                    {
                        await store.WriteAsync(key, Encoding.UTF8.GetBytes((value + 1).ToString(CultureInfo.InvariantCulture)), WriteCondition.IfMatch(current.ETag), Ct);
                        break;
                    }
                    catch (PreconditionFailedException)
                    {
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => IncrementAsync(i % 2 == 0 ? _store : other), Ct)));

        Assert.Equal("120", Encoding.UTF8.GetString((await _store.ReadAsync(key, Ct))!.Content.Span));
    }

    [Fact]
    public async Task Etag_is_stable_across_a_restart_and_matches_the_content_hash()
    {
        var key = "datasets/p/b1/_READY";
        var written = await _store.WriteAsync(key, "ready"u8.ToArray(), cancellationToken: Ct);
        // A new process sees the same ETag even without the cache.
        Directory.Delete(Path.Combine(_folder.Path, ".tfstore", "etags"), recursive: true);

        var restarted = new FileSystemObjectStore(_folder.Path);
        var properties = await restarted.GetPropertiesAsync(key, Ct);

        Assert.Equal(written.ETag, properties!.ETag);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("ready"u8))[..32], written.ETag);
    }

    [Fact]
    public async Task File_dropped_into_the_folder_by_hand_is_an_object_with_a_fresh_etag()
    {
        var key = "datasets/p/b1/img0.png";
        var written = await _store.WriteAsync(key, "old"u8.ToArray(), cancellationToken: Ct);
        await File.WriteAllTextAsync(_store.GetFullPath(key), "new content from a user", Ct);

        var properties = await _store.GetPropertiesAsync(key, Ct);

        Assert.NotEqual(written.ETag, properties!.ETag);
        Assert.Equal(23, properties.Size);
        await Assert.ThrowsAsync<PreconditionFailedException>(() => _store.WriteAsync(key, "x"u8.ToArray(), WriteCondition.IfMatch(written.ETag), Ct));
    }

    [Fact]
    public async Task Open_download_keeps_the_version_it_opened_while_the_key_is_overwritten()
    {
        var key = "models/m/v1/weights.safetensors";
        await _store.WriteAsync(key, "AAAA"u8.ToArray(), cancellationToken: Ct);
        await using var download = await _store.OpenReadAsync(key, Ct);

        await _store.WriteAsync(key, "BBBBBBBB"u8.ToArray(), cancellationToken: Ct);
        using var reader = new StreamReader(download!.Content);

        Assert.Equal("AAAA", await reader.ReadToEndAsync(Ct));
        Assert.Equal(4, download.Properties.Size);
    }

    [Fact]
    public async Task Object_cannot_be_written_where_a_folder_of_objects_exists()
    {
        await _store.WriteAsync("runs/r1/run.json", "{}"u8.ToArray(), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<IOException>(() => _store.WriteAsync("runs/r1", "{}"u8.ToArray(), cancellationToken: Ct));

        Assert.Contains("'runs/r1'", error.Message, StringComparison.Ordinal);
        Assert.Null(await _store.ReadAsync("runs/r1", Ct));
    }

    private async Task<List<string>> ListKeysAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var item in _store.ListAsync(prefix, Ct))
        {
            keys.Add(item.Key);
        }

        return keys;
    }
}
