using System.ComponentModel;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Shared;

namespace CredentialPortal.Features.Credentials.Api;

/// <summary>
/// The body of POST and PUT /webhook-credentials: the credential form's fields under their API names. It maps onto
/// <see cref="CredentialInput"/> and nothing else, so the form's rules (<see cref="CredentialRules"/>) judge it. On PUT
/// the body replaces the stored fields, except that a write-only value left out keeps the stored one, as on the form.
/// </summary>
public sealed record CredentialRequest
{
    [Description("Shown in the portal's list. At most 100 characters.")]
    public string? Name { get; init; }

    [Description("One of client_id, client_id_and_secret, bearer_token, basic_auth, hmac_signature, oauth2. " +
                 "Required on create; on update it may be left out, and it cannot change.")]
    public string? Type { get; init; }

    [Description("The header or query parameter name: client_id and client_id_and_secret (required); bearer_token and " +
                 "hmac_signature with the timestamp_signature_key format (default Authorization and X-Signature). " +
                 "Other types name their own header.")]
    public string? FieldName { get; init; }

    [Description("client_id and client_id_and_secret: header (default) or query_param.")]
    public string? Location { get; init; }

    [Description("hmac_signature: timestamp_signature_key (X-Signature: t=,v1=,key=; the default) or standard_webhooks.")]
    public string? Format { get; init; }

    [Description("The first value: the Value (client_id), the Client ID (client_id_and_secret, oauth2), the Username " +
                 "(basic_auth) or the Key ID (hmac_signature with timestamp_signature_key). Write-only for client_id and " +
                 "client_id_and_secret (left out on update: kept).")]
    public string? ClientId { get; init; }

    [Description("Write-only: the Secret (client_id_and_secret, hmac_signature, oauth2), the Token (bearer_token) or the " +
                 "Password (basic_auth). Left out on update: the stored one is kept.")]
    public string? Secret { get; init; }

    [Description("oauth2: client_credentials (default), password_credentials or client_credentials_with_jwt.")]
    public string? GrantType { get; init; }

    [Description("oauth2: the token endpoint (absolute http or https URL).")]
    public string? TokenUrl { get; init; }

    [Description("oauth2: space-separated scopes.")]
    public string? Scopes { get; init; }

    [Description("oauth2 with a secret: basic_auth_header (default) or credentials_in_body.")]
    public string? ClientAuthentication { get; init; }

    [Description("oauth2 password_credentials: the resource owner's user name.")]
    public string? Username { get; init; }

    [Description("oauth2 password_credentials: write-only, the resource owner's password. Left out on update: kept.")]
    public string? Password { get; init; }

    [Description("oauth2 password_credentials: where refresh_token grants go (default: token_url).")]
    public string? RefreshTokenUrl { get; init; }

    [Description("oauth2 client_credentials_with_jwt: rs256 (default), rs384 or rs512.")]
    public string? SigningAlgorithm { get; init; }

    [Description("oauth2 client_credentials_with_jwt: write-only, an RSA private key PEM (at least 2048 bits). Left out on " +
                 "create, the portal generates a key pair; the response's public_key is what to register with the " +
                 "authorization server. Left out on update: kept.")]
    public string? PrivateKeyPem { get; init; }

    /// <summary>
    /// The form's input these fields make, or the messages (keyed by API field) for choices that name nothing. Every
    /// other rule is the domain's, applied when the service saves the input.
    /// </summary>
    public (CredentialInput? Input, Dictionary<string, string[]> Errors) ToInput()
    {
        var errors = new ValidationErrors();
        var input = new CredentialInput
        {
            Name = Name ?? "",
            Type = Choice<CredentialType>(Type, nameof(CredentialInput.Type), errors),
            FieldName = FieldName ?? "",
            ClientId = ClientId,
            Secret = Secret,
            TokenUrl = TokenUrl,
            Scopes = Scopes,
            Username = Username,
            Password = Password,
            RefreshTokenUrl = RefreshTokenUrl,
            PrivateKeyPem = string.IsNullOrEmpty(PrivateKeyPem) ? null : PrivateKeyPem,
        };
        input.Location = Choice<CredentialLocation>(Location, nameof(input.Location), errors) ?? input.Location;
        input.Format = Choice<HmacFormat>(Format, nameof(input.Format), errors) ?? input.Format;
        input.GrantType = Choice<OAuthGrantType>(GrantType, nameof(input.GrantType), errors) ?? input.GrantType;
        input.ClientAuthentication = Choice<OAuthClientAuthentication>(ClientAuthentication, nameof(input.ClientAuthentication), errors)
            ?? input.ClientAuthentication;
        input.SigningAlgorithm = Choice<OAuthSigningAlgorithm>(SigningAlgorithm, nameof(input.SigningAlgorithm), errors) ?? input.SigningAlgorithm;
        return errors.IsEmpty ? (input, []) : (null, CredentialApiNames.Fields(errors.ToDictionary()));
    }

    private static TEnum? Choice<TEnum>(string? value, string field, ValidationErrors errors) where TEnum : struct, Enum
    {
        if (value is null)
        {
            return null;
        }
        if (CredentialApiNames.TryParse<TEnum>(value, out var parsed))
        {
            return parsed;
        }
        // The value is not echoed: whatever was sent in the wrong field (a pasted secret) stays out of the answer.
        errors.Add(field, $"{CredentialApiNames.Field(field)} must be one of {string.Join(", ", CredentialApiNames.All<TEnum>())}.");
        return null;
    }
}
