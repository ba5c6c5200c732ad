using Microsoft.AspNetCore.DataProtection;

namespace CredentialPortal.Features.Alerts;

/// <summary>
/// Encryption of secret extra-header values, with the Data Protection key ring the credentials use but a purpose of its
/// own (a header ciphertext cannot be passed off as a credential's, nor the other way round).
/// </summary>
public static class WebhookHeaderSecrets
{
    private const string Purpose = "CredentialPortal.WebhookHeaders.v1";

    public static IDataProtector CreateProtector(IDataProtectionProvider provider) => provider.CreateProtector(Purpose);

    /// <summary>The headers as they are sent: secret values decrypted, into new objects (the stored ones keep their ciphertext).</summary>
    public static List<WebhookHeader> Reveal(IDataProtector protector, IEnumerable<WebhookHeader> stored) =>
        stored.Select(h => h.Secret ? new WebhookHeader { Name = h.Name, Value = protector.Unprotect(h.Value), Secret = true } : h).ToList();
}
