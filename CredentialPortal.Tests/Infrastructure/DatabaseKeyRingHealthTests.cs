using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CredentialPortal.Data;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// The key ring in the database (DataProtection:Store=Database): encrypted with the certificate when one is set, and
/// /health saying why an unencrypted ring there protects nothing.
/// </summary>
public sealed class DatabaseKeyRingHealthTests
{
    [Fact]
    public async Task Without_a_certificate_health_says_keys_next_to_the_ciphertext_protect_nothing()
    {
        await using var host = new PortalHost(settings: new Dictionary<string, string?> { ["DataProtection:Store"] = "Database" });
        await SaveCredentialAsync(host, "s3cret-db-ring-1");

        var keyRing = await KeyRingCheckAsync(host);

        Assert.Equal("Degraded", keyRing.GetProperty("status").GetString());
        var description = keyRing.GetProperty("description").GetString();
        Assert.Contains("stored in the database unencrypted, next to the secrets it protects", description);
        Assert.Contains("whoever has the database", description);
        Assert.Contains("DataProtection:CertificatePath", description);
        Assert.Equal(1, await KeyCountAsync(host, encrypted: false));
        Assert.False(Directory.Exists(host.KeysPath) && Directory.EnumerateFiles(host.KeysPath).Any());
    }

    [Fact]
    public async Task With_a_certificate_the_keys_in_the_table_are_encrypted_and_a_restart_reads_the_secrets()
    {
        var folder = Path.Combine(Path.GetTempPath(), "credportal-host", Guid.NewGuid().ToString("N"));
        var settings = CertificateSettings(folder);

        var first = new PortalHost(settings: settings, folder: folder);
        var id = await SaveCredentialAsync(first, "s3cret-db-ring-2");
        Assert.Equal("Healthy", (await KeyRingCheckAsync(first)).GetProperty("status").GetString());
        Assert.Equal(1, await KeyCountAsync(first, encrypted: true));
        Assert.Equal(0, await KeyCountAsync(first, encrypted: false));
        await first.StopAsync();

        await using var second = new PortalHost(settings: settings, folder: folder);
        using var client = second.CreateClient();
        var stored = await second.Services.GetRequiredService<CredentialService>().ResolveAsync(id);
        Assert.Equal("s3cret-db-ring-2", stored?.Secret);
    }

    [Fact]
    public async Task Health_counts_keys_in_the_table_written_before_the_certificate()
    {
        var folder = Path.Combine(Path.GetTempPath(), "credportal-host", Guid.NewGuid().ToString("N"));
        var before = new PortalHost(settings: new Dictionary<string, string?> { ["DataProtection:Store"] = "Database" }, folder: folder);
        await SaveCredentialAsync(before, "s3cret-db-ring-3");
        await before.StopAsync();

        await using var after = new PortalHost(settings: CertificateSettings(folder), folder: folder);
        var keyRing = await KeyRingCheckAsync(after);

        Assert.Equal("Degraded", keyRing.GetProperty("status").GetString());
        Assert.Contains("1 key(s) written before DataProtection:CertificatePath was set are still unencrypted", keyRing.GetProperty("description").GetString());
    }

    private static Dictionary<string, string?> CertificateSettings(string folder)
    {
        Directory.CreateDirectory(folder);
        var certificatePath = Path.Combine(folder, "keyring.pfx");
        if (!File.Exists(certificatePath))
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=CredentialPortal key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllBytes(certificatePath, certificate.Export(X509ContentType.Pfx, "pfx-pass"));
        }
        return new Dictionary<string, string?>
        {
            ["DataProtection:Store"] = "Database",
            ["DataProtection:CertificatePath"] = certificatePath,
            ["DataProtection:CertificatePassword"] = "pfx-pass",
        };
    }

    private static async Task<int> KeyCountAsync(PortalHost host, bool encrypted)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
        return keys.Count(xml => xml!.Contains("<encryptedSecret") == encrypted);
    }

    private static async Task<int> SaveCredentialAsync(PortalHost host, string secret)
    {
        using var client = host.CreateClient(); // starts the app: migrations, key ring
        var saved = await host.Services.GetRequiredService<CredentialService>().CreateAsync(new CredentialInput
        {
            Name = "Ring in the database",
            Type = CredentialType.ClientIdAndSecret,
            FieldName = "auth",
            Location = CredentialLocation.Header,
            ClientId = "client-db-ring",
            Secret = secret,
        });
        Assert.Equal(SaveStatus.Saved, saved.Status);
        return saved.Id;
    }

    private static async Task<JsonElement> KeyRingCheckAsync(PortalHost host)
    {
        using var client = host.CreateClient();
        using var response = await client.GetAsync("/health");
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return health.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "key-ring");
    }
}
