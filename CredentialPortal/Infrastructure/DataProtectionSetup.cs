using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CredentialPortal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Infrastructure;

/// <summary>Where the Data Protection key ring is kept (DataProtection:Store).</summary>
public enum DataProtectionStore
{
    /// <summary>XML files in DataProtection:KeysPath: one instance, or instances sharing that folder.</summary>
    FileSystem,

    /// <summary>The DataProtectionKeys table of the portal's database: every instance on that database reads one ring.</summary>
    Database,
}

/// <summary>The DataProtection section as the operator writes it (values are checked by <see cref="DataProtectionSetup"/>).</summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary>FileSystem or Database; empty: Database on PostgreSQL, FileSystem on SQLite.</summary>
    public string? Store { get; set; }

    /// <summary>A PKCS#12 (.pfx) file with a private key: when set, keys are encrypted at rest with it.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}

/// <summary>The key ring as this instance runs it: the store and whether a certificate encrypts the keys.</summary>
public sealed record KeyRingSettings(DataProtectionStore Store, string KeysPath, bool Encrypted);

public static class DataProtectionSetup
{
    /// <summary>
    /// Data Protection over the configured store, encrypted with the certificate when one is set. A value that cannot work
    /// (an unknown store, a missing or unreadable certificate) stops the start-up naming its key.
    /// </summary>
    public static IServiceCollection AddPortalDataProtection(this IServiceCollection services, IConfiguration configuration,
        PortalDatabase database, string keysPath)
    {
        var options = configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        var failures = new List<string>();
        var store = StoreOf(options.Store, database, failures);
        var certificate = CertificateOf(options, failures);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(KeyRingOptions.Section, typeof(KeyRingOptions), failures);
        }

        var dataProtection = services.AddDataProtection().SetApplicationName("CredentialPortal");
        if (store == DataProtectionStore.Database)
        {
            dataProtection.PersistKeysToDbContext<PortalDbContext>();
        }
        else
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keysPath));
        }
        if (certificate is not null)
        {
            // Keys written from now on are encrypted with the certificate; the same certificate decrypts them.
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        services.AddSingleton(new KeyRingSettings(store, keysPath, certificate is not null));
        return services;
    }

    /// <summary>
    /// Creates the ring's first key when it has none in use now, at start-up under the migrations' lock. Instances that
    /// start together on an empty ring would otherwise each create one when their key ring loads, and one that read back
    /// only its own key would fail on the others' secrets until its ring refreshes, a day later.
    /// </summary>
    public static void EnsureKey(IServiceProvider services)
    {
        var now = services.GetService<TimeProvider>()?.GetUtcNow() ?? DateTimeOffset.UtcNow;
        var keys = services.GetRequiredService<IKeyManager>();
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
        {
            keys.CreateNewKey(now, now + services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.NewKeyLifetime);
        }
    }

    private static DataProtectionStore StoreOf(string? value, PortalDatabase database, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            // Several instances on one PostgreSQL database must share one ring; SQLite is one instance with its folder.
            return database.IsPostgres ? DataProtectionStore.Database : DataProtectionStore.FileSystem;
        }
        if (Enum.TryParse<DataProtectionStore>(value.Trim(), ignoreCase: true, out var store) && Enum.IsDefined(store))
        {
            return store;
        }
        failures.Add($"DataProtection:Store must be FileSystem or Database (was \"{value}\").");
        return default;
    }

    private static X509Certificate2? CertificateOf(KeyRingOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            return null;
        }
        if (!File.Exists(options.CertificatePath))
        {
            failures.Add("DataProtection:CertificatePath names no file the portal can read.");
            return null;
        }
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
            if (!certificate.HasPrivateKey)
            {
                failures.Add("DataProtection:CertificatePath must be a certificate with its private key (a .pfx): without it the keys cannot be read back.");
                return null;
            }
            return certificate;
        }
        catch (CryptographicException)
        {
            // The library's message may quote the file; the operator needs only which settings to check.
            failures.Add("DataProtection:CertificatePath could not be opened: check that it is a PKCS#12 (.pfx) file and that DataProtection:CertificatePassword is its password.");
            return null;
        }
    }
}
