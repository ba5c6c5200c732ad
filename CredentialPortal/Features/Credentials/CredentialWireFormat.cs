using System.Text;

namespace CredentialPortal.Features.Credentials;

/// <summary>A credential decrypted for one outgoing request: the name/value pair and where it goes.</summary>
public sealed record ResolvedCredential(CredentialType Type, string FieldName, CredentialLocation Location, string ClientId, string? Secret)
{
    /// <summary>Client ID: the value as is. Client ID and Secret: Base64 of the UTF-8 bytes of client id + secret, no separator.</summary>
    public string WireValue => Type switch
    {
        CredentialType.ClientId => ClientId,
        CredentialType.ClientIdAndSecret => Convert.ToBase64String(Encoding.UTF8.GetBytes(ClientId + Secret)),
        _ => throw new InvalidOperationException($"Unknown credential type {Type}."),
    };

    // Keeps the decrypted values out of logs and debugger displays.
    public override string ToString() => $"{Type.DisplayName()} credential '{FieldName}' in {Location.DisplayName()}";
}

/// <summary>How a credential travels on a webhook request (PRODUCT.md, "Wire format").</summary>
public static class CredentialWireFormat
{
    /// <summary>Adds the credential to the request: a header, or a query parameter appended to the existing query.</summary>
    public static void Apply(HttpRequestMessage request, ResolvedCredential? credential)
    {
        if (credential is null)
        {
            return; // No Auth
        }

        // Checked again here, not only on save: nothing with CR/LF/NUL or a non-token header name leaves the portal.
        if (CredentialRules.HasForbiddenControlChars(credential.FieldName) || CredentialRules.HasForbiddenControlChars(credential.WireValue))
        {
            throw new InvalidOperationException("The credential contains a line break or NUL character and was not sent.");
        }

        switch (credential.Location)
        {
            case CredentialLocation.Header:
                if (!CredentialRules.IsHttpToken(credential.FieldName))
                {
                    throw new InvalidOperationException("The credential's field name is not a valid header name (token) and was not sent.");
                }
                request.Headers.Remove(credential.FieldName);
                request.Headers.TryAddWithoutValidation(credential.FieldName, credential.WireValue);
                break;
            case CredentialLocation.QueryParam:
                request.RequestUri = AppendQuery(request.RequestUri ?? throw new InvalidOperationException("The request has no URL."),
                    credential.FieldName, credential.WireValue);
                break;
            default:
                throw new InvalidOperationException($"Unknown credential location {credential.Location}.");
        }
    }

    public const string Mask = "****";

    /// <summary>The URL and credential header as logs may show them: the credential's value replaced by ****.</summary>
    public static (string Url, string? Header) Masked(Uri url, ResolvedCredential? credential) => credential?.Location switch
    {
        CredentialLocation.QueryParam => (AppendQuery(url, credential.FieldName, "") + Mask, null),
        CredentialLocation.Header => (url.AbsoluteUri, $"{credential.FieldName}: {Mask}"),
        _ => (url.AbsoluteUri, null),
    };

    /// <summary>Appends name=value (both URL-encoded) after any query parameters already on the URL.</summary>
    public static Uri AppendQuery(Uri uri, string name, string value)
    {
        var builder = new UriBuilder(uri);
        var pair = Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value);
        var existing = builder.Query.TrimStart('?');
        builder.Query = existing.Length == 0 ? pair : existing + "&" + pair;
        return builder.Uri;
    }
}
