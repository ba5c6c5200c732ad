using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Shared;

namespace CredentialPortal.Features.Credentials;

/// <summary>
/// What a rotation asks for: the new secret (or <see cref="Generate"/>, where the portal can make one), how long the
/// previous one keeps working, and for a t=,v1=,key= signature optionally a new Key ID.
/// </summary>
public sealed class RotationInput
{
    /// <summary>The new secret, token, password, value or private key (PEM); write-only.</summary>
    public string? Secret { get; set; }

    /// <summary>Let the portal make the new secret (HMAC Signature, Client Credentials with JWT).</summary>
    public bool Generate { get; set; }

    public int GracePeriodSeconds { get; set; } = RotationRules.DefaultGracePeriodSeconds;

    /// <summary>t=,v1=,key= only: the new secret's key id; empty keeps the current one.</summary>
    public string? KeyId { get; set; }

    // Keeps the secret out of logs and debugger displays.
    public override string ToString() => $"Rotation (grace {GracePeriodSeconds} s)";
}

/// <summary>
/// The rules of rotating a credential's secret with a grace window, shared by the service, the API and the dialog. The
/// previous secret keeps working until the window ends; the delivery path compares the end with its own clock.
/// </summary>
public static class RotationRules
{
    public const int DefaultGracePeriodSeconds = 86_400;
    public const int MaxGracePeriodSeconds = 604_800;

    /// <summary>The choices the dialog offers, in seconds (the API takes any value in range).</summary>
    public static readonly IReadOnlyList<int> GracePeriodChoices = [0, 3_600, 21_600, 86_400, 259_200, 604_800];

    public static string DescribeGracePeriod(int seconds) => seconds switch
    {
        0 => "None: the old secret stops at once",
        < 3_600 => $"{seconds / 60} minutes",
        3_600 => "1 hour",
        < 86_400 => $"{seconds / 3_600} hours",
        86_400 => "24 hours",
        _ => $"{seconds / 86_400} days",
    };

    /// <summary>The label of the value a rotation replaces, as the type's form names it.</summary>
    public static string SecretLabel(CredentialType type, OAuthGrantType? grant) => type switch
    {
        CredentialType.ClientId => CredentialTypeDescription.Of(type).ClientIdLabel ?? "Value",
        CredentialType.OAuth2 when grant == OAuthGrantType.ClientCredentialsWithJwt => "Private key",
        _ => CredentialTypeDescription.Of(type).SecretLabel ?? "Secret",
    };

    /// <summary>Whether the portal can make the new secret itself.</summary>
    public static bool CanGenerate(CredentialType type, OAuthGrantType? grant) =>
        type == CredentialType.HmacSignature || (type == CredentialType.OAuth2 && grant == OAuthGrantType.ClientCredentialsWithJwt);

    /// <summary>Whether a receiver must be handed the generated secret (a JWT key's public half is published instead).</summary>
    public static bool GeneratedSecretIsShared(CredentialType type) => type == CredentialType.HmacSignature;

    /// <summary>A new secret of the credential's kind: a hex or whsec_ HMAC secret, or an RSA private key PEM.</summary>
    public static string NewSecret(CredentialType type, HmacFormat? format, OAuthSigningAlgorithm algorithm = OAuthSigningAlgorithm.RS256) => type switch
    {
        CredentialType.HmacSignature when format == HmacFormat.StandardWebhooks => CredentialRules.NewStandardWebhooksSecret(),
        CredentialType.HmacSignature => CredentialRules.NewHmacSecret(),
        CredentialType.OAuth2 => OAuthKeys.Generate(algorithm).PrivateKeyPem,
        _ => throw new InvalidOperationException($"The portal cannot generate a secret for {type.DisplayName()}."),
    };

    /// <summary>Field (a property of <see cref="RotationInput"/>) → messages; empty when the rotation can go ahead.</summary>
    public static Dictionary<string, string[]> Validate(RotationInput input, CredentialType type, HmacFormat? format, OAuthGrantType? grant)
    {
        var errors = new ValidationErrors();
        if (input.GracePeriodSeconds is < 0 or > MaxGracePeriodSeconds)
        {
            errors.Add(nameof(input.GracePeriodSeconds),
                $"Grace period must be between 0 seconds (the old secret stops at once) and {MaxGracePeriodSeconds:N0} seconds (7 days).");
        }

        var label = SecretLabel(type, grant);
        var jwt = type == CredentialType.OAuth2 && grant == OAuthGrantType.ClientCredentialsWithJwt;
        if (input.Generate)
        {
            if (!CanGenerate(type, grant))
            {
                errors.Add(nameof(input.Secret), $"The portal cannot generate a {label} for {type.DisplayName()}: type the new one.");
            }
        }
        else if (string.IsNullOrEmpty(input.Secret))
        {
            errors.Add(nameof(input.Secret), CanGenerate(type, grant)
                ? $"The new {label} is required: type it, or choose Generate."
                : $"The new {label} is required.");
        }
        else if (input.Secret.Length > (jwt ? OAuthSettings.PrivateKeyMaxLength : CredentialRules.ValueMaxLength))
        {
            errors.Add(nameof(input.Secret), $"{label} must be at most {(jwt ? OAuthSettings.PrivateKeyMaxLength : CredentialRules.ValueMaxLength)} characters.");
        }
        else if (jwt && !OAuthKeys.IsValidPrivateKey(input.Secret))
        {
            errors.Add(nameof(input.Secret), $"Private key must be an RSA private key in PEM form of at least {OAuthKeys.MinKeySize} bits.");
        }
        else if (!jwt && CredentialRules.HasForbiddenControlChars(input.Secret))
        {
            errors.Add(nameof(input.Secret), $"{label} must not contain line breaks (CR, LF) or NUL characters.");
        }
        else if (type == CredentialType.HmacSignature && format == HmacFormat.StandardWebhooks && CredentialRules.StandardWebhooksKey(input.Secret) is null)
        {
            errors.Add(nameof(input.Secret), "A Standard Webhooks secret is whsec_ followed by 24 to 64 Base64 bytes; choose Generate.");
        }

        if (!string.IsNullOrEmpty(input.KeyId))
        {
            if (type != CredentialType.HmacSignature || format == HmacFormat.StandardWebhooks)
            {
                errors.Add(nameof(input.KeyId), "Only a t=,v1=,key= signature has a Key ID.");
            }
            else if (input.KeyId.Length > CredentialRules.ValueMaxLength)
            {
                errors.Add(nameof(input.KeyId), $"Key ID must be at most {CredentialRules.ValueMaxLength} characters.");
            }
            else if (CredentialRules.HeaderValueError(input.KeyId, "Key ID") is { } keyIdError)
            {
                errors.Add(nameof(input.KeyId), keyIdError);
            }
        }
        return errors.ToDictionary();
    }

    /// <summary>Whether the previous values still count at <paramref name="nowUtc"/>: the window is open.</summary>
    public static bool IsGraceOpen(DateTime? graceEndsUtc, DateTime nowUtc) => graceEndsUtc is { } ends && nowUtc < ends;
}
