using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// The database and the key ring on disk: readable by the service user only, the key ring encrypted with a certificate
/// when one is configured, and /health warning while it is not.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class StorageProtectionTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task The_database_and_the_key_ring_are_created_readable_by_the_service_user_only()
    {
        // The key files (the Database store's ring is covered by DatabaseKeyRingHealthTests).
        await using var host = new PortalHost(settings: FileSystemStore);
        await SaveCredentialAsync(host, "s3cret-at-rest-1");

        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.GetDirectoryName(host.DatabasePath)!));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(host.KeysPath));
        foreach (var file in new[] { host.DatabasePath, host.DatabasePath + "-wal", host.DatabasePath + "-shm" })
        {
            // A parallel test's ClearAllPools may fold the -wal away at any moment: a file gone has no mode to check.
            UnixFileMode mode;
            try
            {
                mode = File.GetUnixFileMode(file);
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            Assert.Equal(OwnerOnlyFile, mode);
        }
        var keys = Directory.GetFiles(host.KeysPath);
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(key)));
    }

    // The SQLite file's mode (on PostgreSQL the server owns its files).
    [Trait("Provider", "Sqlite")]
    [Fact]
    public async Task Files_an_earlier_start_left_open_are_tightened()
    {
        var folder = Path.Combine(Path.GetTempPath(), "credportal-host", Guid.NewGuid().ToString("N"));
        await using var host = new PortalHost(folder: folder);
        const UnixFileMode open = OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(host.KeysPath, open);
        File.WriteAllBytes(host.DatabasePath, []);
        File.SetUnixFileMode(host.DatabasePath, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(host.KeysPath));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(host.DatabasePath));
    }

    [Fact]
    public async Task Health_warns_while_the_key_ring_is_not_encrypted_at_rest()
    {
        await using var host = new PortalHost();
        await SaveCredentialAsync(host, "s3cret-at-rest-2");

        var (status, health) = await HealthAsync(host);

        Assert.Equal(HttpStatusCode.OK, status); // the app and its database are up
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        var keyRing = health.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "key-ring");
        Assert.Equal("Degraded", keyRing.GetProperty("status").GetString());
        Assert.Contains("DataProtection:CertificatePath", keyRing.GetProperty("description").GetString());
        var database = health.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
    }

    [Fact]
    public async Task With_a_certificate_the_keys_are_encrypted_at_rest_and_a_restart_still_reads_the_secrets()
    {
        var folder = Path.Combine(Path.GetTempPath(), "credportal-host", Guid.NewGuid().ToString("N"));
        // The key files on disk (the Database store's ring is covered by DatabaseKeyRingHealthTests).
        var settings = new Dictionary<string, string?>(CertificateSettings(folder)) { ["DataProtection:Store"] = "FileSystem" };

        var first = new PortalHost(settings: settings, folder: folder);
        var id = await SaveCredentialAsync(first, "s3cret-at-rest-3");
        var (_, health) = await HealthAsync(first);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        await first.StopAsync(); // keeps the folder for the restart

        var key = File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(folder, "data", "keys"))));
        Assert.Contains("<encryptedSecret", key);
        Assert.Contains("EncryptedData", key);
        Assert.DoesNotContain("<value>", key); // the unencrypted form's master key element

        await using var second = new PortalHost(settings: settings, folder: folder);
        using var client = second.CreateClient(); // starts the app
        var stored = await second.Services.GetRequiredService<CredentialService>().ResolveAsync(id);
        Assert.Equal("s3cret-at-rest-3", stored?.Secret);
    }

    [Fact]
    public async Task Health_warns_while_keys_written_before_the_certificate_remain_unencrypted()
    {
        var folder = Path.Combine(Path.GetTempPath(), "credportal-host", Guid.NewGuid().ToString("N"));
        var before = new PortalHost(folder: folder);
        await SaveCredentialAsync(before, "s3cret-at-rest-4");
        await before.StopAsync();

        await using var after = new PortalHost(settings: CertificateSettings(folder), folder: folder);
        var (_, health) = await HealthAsync(after);

        var keyRing = health.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "key-ring");
        Assert.Equal("Degraded", keyRing.GetProperty("status").GetString());
        Assert.Contains("still unencrypted", keyRing.GetProperty("description").GetString());
    }

    private static readonly Dictionary<string, string?> FileSystemStore = new() { ["DataProtection:Store"] = "FileSystem" };

    /// <summary>A self-signed certificate in the folder, as DataProtection:CertificatePath/-Password settings.</summary>
    private static Dictionary<string, string?> CertificateSettings(string folder)
    {
        Directory.CreateDirectory(folder);
        var certificatePath = Path.Combine(folder, "keyring.pfx");
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=CredentialPortal key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(certificatePath, certificate.Export(X509ContentType.Pfx, "pfx-pass"));
        return new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = certificatePath,
            ["DataProtection:CertificatePassword"] = "pfx-pass",
        };
    }

    private static async Task<int> SaveCredentialAsync(PortalHost host, string secret)
    {
        using var client = host.CreateClient(); // starts the app: migrations, key ring
        var saved = await host.Services.GetRequiredService<CredentialService>().CreateAsync(new CredentialInput
        {
            Name = "At rest",
            Type = CredentialType.ClientIdAndSecret,
            FieldName = "auth",
            Location = CredentialLocation.Header,
            ClientId = "client-at-rest",
            Secret = secret,
        });
        Assert.Equal(SaveStatus.Saved, saved.Status);
        return saved.Id;
    }

    private static async Task<(HttpStatusCode, JsonElement)> HealthAsync(PortalHost host)
    {
        using var client = host.CreateClient();
        using var response = await client.GetAsync("/health");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
