using System.Text.Json;
using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CredentialPortal.Infrastructure;

/// <summary>
/// Degraded while the Data Protection key ring is stored unencrypted (no DataProtection:CertificatePath) or, in a folder,
/// can be read by other users: whoever reads the keys can decrypt every stored secret.
/// </summary>
public sealed class KeyRingHealthCheck(PortalStorage storage, KeyRingSettings keyRing, IDbContextFactory<PortalDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var warnings = new List<string>();
        var inDatabase = keyRing.Store == DataProtectionStore.Database;
        if (!inDatabase && storage.KeysReadableByOthers())
        {
            // No path in the answer: /health is anonymous.
            warnings.Add("The key ring folder (DataProtection:KeysPath) can be read by other users: make it readable by the service user only (0700).");
        }
        if (!keyRing.Encrypted)
        {
            warnings.Add(inDatabase
                ? "The key ring is stored in the database unencrypted, next to the secrets it protects: whoever has the database (a dump, a backup, a replica) can decrypt every secret. Set DataProtection:CertificatePath, and keep the certificate apart from the database."
                : "The key ring is not encrypted at rest: set DataProtection:CertificatePath, and back it up apart from the database.");
        }
        else if (await UnencryptedKeysAsync(inDatabase, cancellationToken) is > 0 and var count)
        {
            warnings.Add($"{count} key(s) written before DataProtection:CertificatePath was set are still unencrypted at rest, and stay so: Data Protection keeps every key to read what it encrypted.");
        }
        return warnings.Count == 0
            ? HealthCheckResult.Healthy(inDatabase
                ? "The key ring is stored in the database, encrypted with the certificate."
                : "The key ring is encrypted at rest and readable by the service user only.")
            : HealthCheckResult.Degraded(string.Join(" ", warnings));
    }

    // An encrypted key keeps its secret in an <encryptedSecret> element (the certificate's XML encryption).
    private const string EncryptedMarker = "<encryptedSecret";

    private async Task<int> UnencryptedKeysAsync(bool inDatabase, CancellationToken cancellationToken)
    {
        if (inDatabase)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(cancellationToken);
            return keys.Count(xml => xml is null || !xml.Contains(EncryptedMarker, StringComparison.Ordinal));
        }
        return !Directory.Exists(storage.KeysPath)
            ? 0
            : Directory.EnumerateFiles(storage.KeysPath, "*.xml").Count(key => !File.ReadAllText(key).Contains(EncryptedMarker, StringComparison.Ordinal));
    }

    /// <summary>
    /// The /health body: the overall status, then each check with its description. Degraded still answers 200 (the app
    /// and its database are up); an unhealthy database answers 503.
    /// </summary>
    public static Task WriteResponse(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(entry => new
            {
                name = entry.Key,
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description,
            }),
        });
    }
}
