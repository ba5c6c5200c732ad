using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>A DataProtection setting that cannot work stops the start-up, naming the setting and what to fix.</summary>
public sealed class DataProtectionSettingsTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "credportal-dp", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_unknown_store_stops_the_start()
    {
        var error = await StartFailureAsync(new() { ["DataProtection:Store"] = "Redis" });

        Assert.Contains("DataProtection:Store must be FileSystem or Database (was \"Redis\")", error.Message);
    }

    [Fact]
    public async Task A_missing_certificate_file_stops_the_start()
    {
        var error = await StartFailureAsync(new() { ["DataProtection:CertificatePath"] = Path.Combine(folder, "missing.pfx") });

        Assert.Contains("DataProtection:CertificatePath names no file", error.Message);
    }

    [Fact]
    public async Task A_wrong_certificate_password_stops_the_start_without_quoting_it()
    {
        var path = Path.Combine(folder, "keyring.pfx");
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=CredentialPortal key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "right-pass"));

        var error = await StartFailureAsync(new() { ["DataProtection:CertificatePath"] = path, ["DataProtection:CertificatePassword"] = "wrong-pass" });

        Assert.Contains("DataProtection:CertificatePassword", error.Message);
        Assert.DoesNotContain("wrong-pass", error.Message);
    }

    [Fact]
    public async Task A_certificate_without_its_private_key_stops_the_start()
    {
        var path = Path.Combine(folder, "public-only.pfx");
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=CredentialPortal key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert));
        File.WriteAllBytes(path, publicOnly.Export(X509ContentType.Pfx, "pass"));

        var error = await StartFailureAsync(new() { ["DataProtection:CertificatePath"] = path, ["DataProtection:CertificatePassword"] = "pass" });

        Assert.Contains("private key", error.Message);
    }

    private static async Task<OptionsValidationException> StartFailureAsync(Dictionary<string, string?> settings)
    {
        await using var host = new PortalHost(settings: settings);
        return Assert.Throws<OptionsValidationException>(() => host.CreateClient());
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}
