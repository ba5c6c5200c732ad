using System.Security.Cryptography;
using System.Text;

namespace CredentialPortal.Features.Credentials;

/// <summary>A credential decrypted for one outgoing request. Never logged: its text form names no value.</summary>
public sealed record ResolvedCredential(
    CredentialType Type,
    string FieldName,
    CredentialLocation Location,
    string ClientId,
    string? Secret,
    HmacFormat Format = HmacFormat.TimestampSignatureKey,
    int Id = 0,
    int Version = 0,
    OAuth.OAuthSettings? OAuth = null)
{
    /// <summary>
    /// The value of the credential's one header or query parameter. Client ID: the value as is. Client ID and Secret:
    /// Base64 of the UTF-8 bytes of client id + secret, no separator. Bearer Token: "Bearer token" in Authorization,
    /// the bare token in any other header. Basic Auth: "Basic " + Base64(username:password).
    /// HMAC signatures depend on the body: see <see cref="CredentialWireFormat.Sign"/>.
    /// </summary>
    public string WireValue => Type switch
    {
        CredentialType.ClientId => ClientId,
        CredentialType.ClientIdAndSecret => Base64(ClientId + Secret),
        CredentialType.BearerToken => SendsBearerScheme ? $"Bearer {Secret}" : Secret ?? "",
        CredentialType.BasicAuth => "Basic " + Base64($"{ClientId}:{Secret}"),
        CredentialType.OAuth2 => throw new InvalidOperationException("An OAuth 2.0 credential sends an access token; use OAuthTokenCache.SendAsync."),
        _ => throw new InvalidOperationException("An HMAC signature depends on the request body; use CredentialWireFormat.Sign."),
    };

    /// <summary>The wire value with the secret part masked: the scheme a header value starts with stays readable.</summary>
    public string MaskedWireValue => Type switch
    {
        CredentialType.BearerToken when SendsBearerScheme => $"Bearer {CredentialWireFormat.Mask}",
        CredentialType.BasicAuth => $"Basic {CredentialWireFormat.Mask}",
        _ => CredentialWireFormat.Mask,
    };

    /// <summary>The secret before the last rotation (HMAC Signature signs with it too until <see cref="GraceEndsUtc"/>).</summary>
    public string? PreviousSecret { get; init; }

    /// <summary>The key id before the last rotation (t=,v1=,key=).</summary>
    public string? PreviousClientId { get; init; }

    /// <summary>When the previous secret stops counting; compared with the sender's clock at send time.</summary>
    public DateTimeOffset? GraceEndsUtc { get; init; }

    /// <summary>Whether a request sent at <paramref name="now"/> is signed with the previous secret as well.</summary>
    public bool SignsWithPrevious(DateTimeOffset now) => PreviousSecret is not null && GraceEndsUtc is { } ends && now < ends;

    private bool SendsBearerScheme => FieldName.Equals("Authorization", StringComparison.OrdinalIgnoreCase);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    // Keeps the decrypted values out of logs and debugger displays.
    public override string ToString() => $"{Type.DisplayName()} credential '{FieldName}' in {Location.DisplayName()}";
}

/// <summary>How a credential travels on a webhook request (the wire format the README states).</summary>
public static class CredentialWireFormat
{
    public const string Mask = "****";

    /// <summary>Adds a credential that does not sign the body (every type but HMAC Signature) to the request.</summary>
    public static void Apply(HttpRequestMessage request, ResolvedCredential? credential)
    {
        if (credential?.Type == CredentialType.HmacSignature)
        {
            throw new InvalidOperationException("An HMAC signature needs the request body.");
        }
        Apply(request, credential, [], DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Adds the credential to the request: a header, a query parameter (replacing one of the same name), or the
    /// signature headers over <paramref name="body"/> (exactly the bytes sent) at <paramref name="now"/>.
    /// </summary>
    public static void Apply(HttpRequestMessage request, ResolvedCredential? credential, ReadOnlySpan<byte> body, DateTimeOffset now,
        string? messageId = null)
    {
        if (credential is null)
        {
            return; // No Auth
        }
        if (credential.Type == CredentialType.OAuth2)
        {
            return; // the access token's Authorization header is added where the token is fetched (OAuthTokenCache.SendAsync)
        }

        if (credential.Type == CredentialType.HmacSignature)
        {
            foreach (var (name, value) in Sign(credential, body, now, messageId))
            {
                if (credential.Format == HmacFormat.StandardWebhooks)
                {
                    SetHeader(request, name, value); // the scheme's own names, webhook-id and webhook-timestamp among them
                }
                else
                {
                    AddHeader(request, name, value);
                }
            }
            return;
        }

        switch (credential.Location)
        {
            case CredentialLocation.Header:
                AddHeader(request, credential.FieldName, credential.WireValue);
                break;
            case CredentialLocation.QueryParam:
                CheckValue(credential.FieldName);
                CheckValue(credential.WireValue);
                request.RequestUri = SetQuery(request.RequestUri ?? throw new InvalidOperationException("The request has no URL."),
                    credential.FieldName, Uri.EscapeDataString(credential.WireValue));
                break;
            default:
                throw new InvalidOperationException($"Unknown credential location {credential.Location}.");
        }
    }

    /// <summary>The signature headers of an HMAC Signature credential for this body and time.</summary>
    public static IReadOnlyList<(string Name, string Value)> Sign(ResolvedCredential credential, ReadOnlySpan<byte> body, DateTimeOffset now,
        string? messageId = null)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var secret = credential.Secret ?? throw new InvalidOperationException("The HMAC credential has no secret.");
        // During a rotation's grace window the previous secret signs too, after the new one, so that a receiver that
        // still holds the old secret (or already the new one) verifies either way.
        var previous = credential.SignsWithPrevious(now) ? credential.PreviousSecret : null;
        if (credential.Format == HmacFormat.StandardWebhooks)
        {
            var id = messageId ?? "msg_" + Guid.NewGuid().ToString("N");
            var signatures = new List<string>(2);
            string[] secrets = previous is null ? [secret] : [secret, previous];
            foreach (var each in secrets)
            {
                var key = CredentialRules.StandardWebhooksKey(each)
                    ?? throw new InvalidOperationException("The Standard Webhooks secret is not a whsec_ secret.");
                signatures.Add("v1," + Convert.ToBase64String(HmacSha256(key, $"{id}.{timestamp}.", body)));
            }
            return StandardWebhooksHeaders(id, timestamp, string.Join(' ', signatures));
        }

        var value = SignatureHeaderValue(timestamp, HexSignature(secret, timestamp, body), credential.ClientId);
        if (previous is not null)
        {
            value += $",v1={HexSignature(previous, timestamp, body)},key={credential.PreviousClientId ?? credential.ClientId}";
        }
        return [(credential.FieldName, value)];
    }

    private static string HexSignature(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HmacSha256(Encoding.UTF8.GetBytes(secret), $"{timestamp}.", body));

    /// <param name="signatures">Each <c>v1,&lt;Base64&gt;</c>, space-separated.</param>
    private static IReadOnlyList<(string Name, string Value)> StandardWebhooksHeaders(string id, string timestamp, string signatures) =>
        [("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signatures)];

    private static string SignatureHeaderValue(string timestamp, string signature, string keyId) => $"t={timestamp},v1={signature},key={keyId}";

    /// <summary>
    /// The request a credential makes, as the form previews it while the person types: every header line or the query
    /// parameter, computed by the code that sends it. <paramref name="clientId"/> and <paramref name="secret"/> are the
    /// values typed on the form; null or empty stands for a value not typed (a stored one is never at hand), and the
    /// value that depends on it reads ****. Body-dependent parts (signatures, timestamps) and the OAuth access token
    /// are named, not computed.
    /// </summary>
    public static IReadOnlyList<PreviewLine> Preview(CredentialType type, string? fieldName, CredentialLocation location, HmacFormat? format,
        string? clientId, string? secret, string? tokenUrl = null)
    {
        var kind = CredentialTypeDescription.Of(type);
        var name = kind.StoredFieldName(format, fieldName);
        if (name.Length == 0)
        {
            name = "<" + (kind.FieldNameLabel(format) ?? "name") + ">";
        }

        switch (type)
        {
            case CredentialType.OAuth2:
                var from = string.IsNullOrWhiteSpace(tokenUrl) ? "the Access Token URL" : tokenUrl.Trim();
                return [PreviewLine.Header("Authorization", $"Bearer <token from {from}>")];
            case CredentialType.HmacSignature when format == HmacFormat.StandardWebhooks:
                return StandardWebhooksHeaders("msg_<delivery id>", "<unix time>", "v1,<Base64 HMAC-SHA256 of id.timestamp.body>")
                    .Select(h => PreviewLine.Header(h.Name, h.Value)).ToList();
            case CredentialType.HmacSignature:
                var keyId = string.IsNullOrEmpty(clientId) ? "<Key ID>" : clientId;
                return [PreviewLine.Header(name, SignatureHeaderValue("<unix time>", "<hex HMAC-SHA256 of t.body>", keyId))];
        }

        var known = (kind.ClientIdLabelFor(format) is null || !string.IsNullOrEmpty(clientId))
                    && (kind.SecretLabel is null || !string.IsNullOrEmpty(secret));
        var credential = new ResolvedCredential(type, name, location, clientId ?? "", secret, format ?? HmacFormat.TimestampSignatureKey);
        if (!kind.SendsInHeader(location))
        {
            return [PreviewLine.Query(QueryPair(name, known ? Uri.EscapeDataString(credential.WireValue) : Mask))];
        }
        return [PreviewLine.Header(name, known ? credential.WireValue : credential.MaskedWireValue)];
    }

    private static byte[] HmacSha256(byte[] key, string prefix, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(prefix));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    // Checked again here, not only on save (a row saved under older rules, or edited outside the portal): nothing with
    // CR/LF/NUL, a non-token header name or a name HTTP owns leaves the portal.
    private static void AddHeader(HttpRequestMessage request, string name, string value)
    {
        var error = CredentialRules.HeaderNameError(name, "The credential's header name")
            ?? (CredentialRules.IsHttpToken(name) ? null : "The credential's header name is not a valid header name (token).");
        if (error is not null)
        {
            throw new InvalidOperationException($"{error} The credential was not sent.");
        }
        SetHeader(request, name, value);
    }

    private static void SetHeader(HttpRequestMessage request, string name, string value)
    {
        if (CredentialRules.HeaderValueError(value, "") is not null)
        {
            // Line breaks would split the header; non-ASCII .NET refuses on send (a network error to its eyes, attempted
            // again for a day).
            throw new InvalidOperationException("The credential holds characters a header cannot carry (visible ASCII and spaces only) and was not sent.");
        }
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }

    private static void CheckValue(string value)
    {
        if (CredentialRules.HasForbiddenControlChars(value))
        {
            throw new InvalidOperationException("The credential contains a line break or NUL character and was not sent.");
        }
    }

    /// <summary>The URL and credential header as logs may show them: the credential's value replaced by ****.</summary>
    public static (string Url, string? Header) Masked(Uri url, ResolvedCredential? credential) => credential switch
    {
        null => (url.AbsoluteUri, null),
        { Type: CredentialType.HmacSignature, Format: HmacFormat.StandardWebhooks } => (url.AbsoluteUri, $"webhook-signature: {Mask}"),
        { Type: CredentialType.OAuth2 } => (url.AbsoluteUri, $"Authorization: Bearer {Mask}"),
        { Location: CredentialLocation.QueryParam } => (SetQuery(url, credential.FieldName, Mask).AbsoluteUri, null),
        _ => (url.AbsoluteUri, $"{credential.FieldName}: {Mask}"),
    };

    /// <summary>
    /// Sets the query parameter <paramref name="name"/> (URL-encoded here) to <paramref name="encodedValue"/>: in place of
    /// the first parameter of that name already on the URL, whose other occurrences are dropped (a receiver reading
    /// the first or the last must both see the credential), else appended. Every other parameter and the fragment
    /// stay exactly as they were.
    /// </summary>
    public static Uri SetQuery(Uri uri, string name, string encodedValue)
    {
        var builder = new UriBuilder(uri);
        var pair = QueryPair(name, encodedValue);
        var kept = new List<string>();
        var replaced = false;
        foreach (var parameter in builder.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IsNamed(parameter, name))
            {
                kept.Add(parameter);
            }
            else if (!replaced)
            {
                kept.Add(pair);
                replaced = true;
            }
        }
        if (!replaced)
        {
            kept.Add(pair);
        }
        builder.Query = string.Join('&', kept);
        return builder.Uri;
    }

    private static string QueryPair(string name, string encodedValue) => Uri.EscapeDataString(name) + "=" + encodedValue;

    // Names compare decoded, '+' being a space as in form encoding: "client+id", "client%20id" and "client id" are one name.
    private static bool IsNamed(string parameter, string name)
    {
        var end = parameter.IndexOf('=');
        var raw = end < 0 ? parameter : parameter[..end];
        return Uri.UnescapeDataString(raw.Replace('+', ' ')).Equals(name, StringComparison.Ordinal);
    }
}

/// <summary>One line of a previewed request: a header (<c>name: value</c>) or the query parameter (<c>?name=value</c>).</summary>
public sealed record PreviewLine(bool InQuery, string Text)
{
    public static PreviewLine Header(string name, string value) => new(false, $"{name}: {value}");

    public static PreviewLine Query(string pair) => new(true, "?" + pair);
}
