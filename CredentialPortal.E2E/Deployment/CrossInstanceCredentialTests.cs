using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CredentialPortal.E2E.Infrastructure;

namespace CredentialPortal.E2E.Deployment;

/// <summary>
/// Two instances on one database: what one saves, the other lists and sends, its secret decrypted with the key ring
/// both read from the database.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class CrossInstanceCredentialTests
{
    [DeploymentFact]
    public async Task A_credential_created_through_one_instance_is_listed_by_the_other_which_sends_its_secret()
    {
        await using var deployment = await Deployment.StartAsync();

        using var created = await deployment.A.Api.PostAsJsonAsync("api/v1/webhook-credentials", new
        {
            name = "Hyrule relay",
            type = "client_id_and_secret",
            field_name = "X-Relay-Auth",
            location = "header",
            client_id = "link-identity-0001",
            secret = "epona-secret-0001",
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var credentialId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("credential_id").GetGuid();

        var listed = await deployment.B.Api.GetFromJsonAsync<JsonElement>("api/v1/webhook-credentials");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(),
            item => item.GetProperty("credential_id").GetGuid() == credentialId && item.GetProperty("name").GetString() == "Hyrule relay");

        // With A gone, only B can decrypt the secret A encrypted and send the delivery.
        var alertId = await deployment.CreateAlertAsync("Relay latency", "Hyrule relay", deployment.Receiver.Url("/hooks/relay"));
        deployment.A.Kill();
        using var fired = await deployment.B.Api.PostAsJsonAsync($"api/v1/alerts/{alertId}/fire", new { host = "web-1" });
        Assert.True(fired.StatusCode == HttpStatusCode.Accepted, await fired.Content.ReadAsStringAsync());

        IReadOnlyList<ReceivedRequest> received;
        try
        {
            received = await deployment.Receiver.WaitForRequestsAsync(1, PortalInstance.Patience);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"B never delivered the fire.\n{deployment.Logs}");
        }
        var request = Assert.Single(received);
        Assert.Equal("/hooks/relay", request.Path);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("link-identity-0001" + "epona-secret-0001")), request.Header("X-Relay-Auth"));
    }
}
