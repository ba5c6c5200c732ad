using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CredentialPortal.E2E.Deployment;

/// <summary>
/// A private nginx (Debian's /usr/sbin/nginx) in front of the instances, running the repository's
/// deploy/nginx/portal.conf with only its ports, certificate paths and upstream servers substituted. Its own folder holds
/// the pid file, logs and temp paths; the system's nginx is not touched.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nginx";

    private readonly string folder;

    private NginxProxy(string folder, int httpsPort)
    {
        this.folder = folder;
        BaseUrl = $"https://127.0.0.1:{httpsPort}/";
    }

    /// <summary>https://127.0.0.1:PORT/ — where the browser goes (a self-signed certificate for 127.0.0.1).</summary>
    public string BaseUrl { get; }

    public static string ExampleConfig => Path.Combine(PublishedPortal.RepositoryRoot, "deploy", "nginx", "portal.conf");

    public static async Task<NginxProxy> StartAsync(string folder, IEnumerable<Uri> instances)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"nginx not found at {Executable}: install Debian's package (apt-get install -y nginx); ./run-tests.sh does.");
        }
        Directory.CreateDirectory(folder);
        var proxy = new NginxProxy(folder, FreePort());
        WriteCertificate(Path.Combine(folder, "portal.crt"), Path.Combine(folder, "portal.key"));

        var upstream = string.Concat(instances.Select(instance => $"    server {instance.Authority};\n"));
        var config = File.ReadAllText(ExampleConfig);
        config = Substitute(config, "    server 127.0.0.1:5001;\n    server 127.0.0.1:5002;\n", upstream);
        config = Substitute(config, "listen 80;", $"listen 127.0.0.1:{FreePort()};");
        config = Substitute(config, "listen 443 ssl;", $"listen {new Uri(proxy.BaseUrl).Authority} ssl;");
        config = Substitute(config, "/etc/ssl/portal/portal.crt", Path.Combine(folder, "portal.crt"));
        config = Substitute(config, "/etc/ssl/portal/portal.key", Path.Combine(folder, "portal.key"));
        File.WriteAllText(Path.Combine(folder, "portal.conf"), config);
        File.WriteAllText(Path.Combine(folder, "nginx.conf"), $$"""
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log {{folder}}/access.log;
                client_body_temp_path {{folder}}/client_body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                include {{folder}}/portal.conf;
            }
            """);

        var (exitCode, output) = await proxy.RunAsync();
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"nginx did not start ({exitCode}):\n{output}\n{proxy.ErrorLog}");
        }
        return proxy;
    }

    public string ErrorLog => File.Exists(Path.Combine(folder, "error.log")) ? File.ReadAllText(Path.Combine(folder, "error.log")) : "";

    /// <summary>The example's text with one placeholder replaced; the example must contain it exactly once.</summary>
    private static string Substitute(string config, string example, string replacement)
    {
        var first = config.IndexOf(example, StringComparison.Ordinal);
        if (first < 0 || config.IndexOf(example, first + example.Length, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"deploy/nginx/portal.conf must contain \"{example.Trim()}\" exactly once (the test substitutes it).");
        }
        return config.Replace(example, replacement, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", Path.Combine(folder, "nginx.conf"), "-p", folder + "/", "-e", Path.Combine(folder, "error.log") }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // The master forks into the background once the configuration is loaded and the ports are bound.
        await process.WaitForExitAsync().WaitAsync(PortalInstance.Patience);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WriteCertificate(string certificatePath, string keyPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(folder, "nginx.pid")))
        {
            await RunAsync("-s", "stop");
        }
    }
}
