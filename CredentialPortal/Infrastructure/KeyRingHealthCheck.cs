using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CredentialPortal.Infrastructure;

/// <summary>
/// Degraded while the Data Protection key ring is stored unencrypted (no DataProtection:CertificatePath) or can be read
/// by other users: whoever reads the keys can decrypt every stored secret.
/// </summary>
public sealed class KeyRingHealthCheck(PortalStorage storage, IConfiguration configuration) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var warnings = new List<string>();
        if (storage.KeysReadableByOthers())
        {
            // No path in the answer: /health is anonymous.
            warnings.Add("The key ring folder (DataProtection:KeysPath) can be read by other users: make it readable by the service user only (0700).");
        }
        if (string.IsNullOrWhiteSpace(configuration["DataProtection:CertificatePath"]))
        {
            warnings.Add("The key ring is not encrypted at rest: set DataProtection:CertificatePath, and back it up apart from the database.");
        }
        else if (UnencryptedKeys() is > 0 and var count)
        {
            warnings.Add($"{count} key(s) written before DataProtection:CertificatePath was set are still unencrypted; they stop being used when they expire.");
        }
        return Task.FromResult(warnings.Count == 0
            ? HealthCheckResult.Healthy("The key ring is encrypted at rest and readable by the service user only.")
            : HealthCheckResult.Degraded(string.Join(" ", warnings)));
    }

    // An encrypted key keeps its secret in an <encryptedSecret> element (the certificate's XML encryption).
    private int UnencryptedKeys() => !Directory.Exists(storage.KeysPath)
        ? 0
        : Directory.EnumerateFiles(storage.KeysPath, "*.xml").Count(key => !File.ReadAllText(key).Contains("<encryptedSecret", StringComparison.Ordinal));

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
