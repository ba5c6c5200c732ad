using System.Diagnostics;
using System.Reflection;

namespace CredentialPortal.E2E.Deployment;

/// <summary>
/// The portal as an operator deploys it: <c>dotnet publish</c> of the already built project (once per test run, into a
/// folder beside the tests that the next run publishes over), which also carries the static web assets a published app
/// serves.
/// </summary>
public static class PublishedPortal
{
    private static readonly Lazy<Task<string>> Folder = new(PublishAsync);

    /// <summary>The folder holding CredentialPortal.dll.</summary>
    public static Task<string> FolderAsync() => Folder.Value;

    /// <summary>The repository's root (where CredentialPortal.sln is), found from the test's build output.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static async Task<string> PublishAsync()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "published-portal");
        var configuration = typeof(PublishedPortal).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The project is built with the tests (same configuration): publishing copies that build. No build server or
        // node is left running after the tests.
        foreach (var argument in new[]
                 {
                     "publish", Path.Combine(RepositoryRoot, "CredentialPortal", "CredentialPortal.csproj"),
                     "-c", configuration, "--no-build", "--disable-build-servers", "-o", output, "-nologo",
                 })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(output, "CredentialPortal.dll")))
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
        return output;
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CredentialPortal.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No CredentialPortal.sln above {AppContext.BaseDirectory}.");
    }
}
