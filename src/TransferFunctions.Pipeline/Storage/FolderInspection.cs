namespace TransferFunctions.Pipeline.Storage;

/// <summary>What <see cref="FileSystemObjectStore.InspectFolder"/> found under a folder that its object listing hides.</summary>
/// <param name="EscapingLinks">Symlinks whose target lies outside the folder (store key, target path), in key order.</param>
/// <param name="EmptyFolders">Folders holding no file, as folder keys ending in '/' (the inspected folder itself included when empty).</param>
public sealed record FolderInspection(IReadOnlyList<(string Key, string Target)> EscapingLinks, IReadOnlyList<string> EmptyFolders);
