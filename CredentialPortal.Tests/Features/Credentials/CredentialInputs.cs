using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Tests.Features.Credentials;

internal static class CredentialInputs
{
    public static CredentialInput ClientId(string name = "Partner API", string value = "link", string fieldName = "clientid",
        CredentialLocation location = CredentialLocation.Header) => new()
    {
        Name = name,
        Type = CredentialType.ClientId,
        FieldName = fieldName,
        Location = location,
        ClientId = value,
    };

    public static CredentialInput ClientIdAndSecret(string name = "Hyrule", string clientId = "link", string secret = "epona",
        string fieldName = "clientid", CredentialLocation location = CredentialLocation.Header) => new()
    {
        Name = name,
        Type = CredentialType.ClientIdAndSecret,
        FieldName = fieldName,
        Location = location,
        ClientId = clientId,
        Secret = secret,
    };
}
