using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace CredentialPortal.E2E.Deployment;

/// <summary>
/// One published portal instance: <c>dotnet CredentialPortal.dll --urls http://127.0.0.1:0</c> as a child process,
/// configured through environment variables as an operator would. Its REST client carries the seeded API token.
/// </summary>
public sealed partial class PortalInstance : IAsyncDisposable
{
    /// <summary>Generous: a loaded 2-core CI machine starts the instances, nginx and the tests at once.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PortalInstance(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    public string Name { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Address { get; private set; } = default!;

    /// <summary>The REST API of this instance alone, authenticated with the seeded token.</summary>
    public HttpClient Api { get; private set; } = default!;

    public bool HasExited => process.HasExited;

    /// <summary>The last lines the instance wrote (for failure messages).</summary>
    public string Log => string.Join("\n", lines);

    public static async Task<PortalInstance> StartAsync(string name, IReadOnlyDictionary<string, string> settings, string apiToken)
    {
        var folder = await PublishedPortal.FolderAsync();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(folder, "CredentialPortal.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__")] = value;
        }

        var instance = new PortalInstance(name, Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
        instance.process.OutputDataReceived += (_, e) => instance.Read(e.Data);
        instance.process.ErrorDataReceived += (_, e) => instance.Read(e.Data);
        instance.process.BeginOutputReadLine();
        instance.process.BeginErrorReadLine();
        try
        {
            var exited = instance.process.WaitForExitAsync();
            var ready = await Task.WhenAny(instance.listening.Task, exited).WaitAsync(Patience);
            if (ready != instance.listening.Task)
            {
                throw new InvalidOperationException($"Instance {name} exited at start ({instance.process.ExitCode}):\n{instance.Log}");
            }
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
        instance.Address = await instance.listening.Task;
        instance.Api = new HttpClient { BaseAddress = instance.Address, Timeout = Patience };
        instance.Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
        return instance;
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
        Api?.Dispose();
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}
