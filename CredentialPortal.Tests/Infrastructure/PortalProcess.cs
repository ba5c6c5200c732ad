using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// <c>dotnet CredentialPortal.dll --urls http://127.0.0.1:0</c> from <paramref name="appFolder"/> as a child process,
/// configured through environment variables as an operator would, for tests that kill it (kill -9) or run several.
/// Shared by the crash test and the deployment tests (linked into the E2E project).
/// </summary>
public sealed partial class PortalProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PortalProcess(Process process) => this.process = process;

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Address { get; private set; } = default!;

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The last lines the portal wrote (for failure messages).</summary>
    public string Log => string.Join("\n", lines);

    /// <summary>Starts the portal and waits until it listens; throws with its last lines when it exits first.</summary>
    public static async Task<PortalProcess> StartAsync(string appFolder, IEnumerable<KeyValuePair<string, string>> settings, TimeSpan patience)
    {
        var app = Path.Combine(appFolder, "CredentialPortal.dll");
        if (!File.Exists(Path.ChangeExtension(app, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"The portal is not built in {appFolder}.");
        }
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = appFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(app);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var portal = new PortalProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
        portal.process.OutputDataReceived += (_, e) => portal.Read(e.Data);
        portal.process.ErrorDataReceived += (_, e) => portal.Read(e.Data);
        portal.process.BeginOutputReadLine();
        portal.process.BeginErrorReadLine();
        try
        {
            var exited = portal.process.WaitForExitAsync();
            var ready = await Task.WhenAny(portal.listening.Task, exited).WaitAsync(patience);
            if (ready != portal.listening.Task)
            {
                throw new InvalidOperationException($"The portal exited at start ({portal.process.ExitCode}):\n{portal.Log}");
            }
        }
        catch
        {
            await portal.DisposeAsync();
            throw;
        }
        portal.Address = await portal.listening.Task;
        return portal;
    }

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }
        lines.Enqueue(line);
        while (lines.Count > 200)
        {
            lines.TryDequeue(out _);
        }
        if (Listening().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();

    /// <summary>kill -9: no shutdown, nothing flushed, no lease released.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}
