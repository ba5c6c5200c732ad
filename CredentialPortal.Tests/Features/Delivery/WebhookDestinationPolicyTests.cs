using System.Net;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>The SSRF rule: only globally reachable addresses, in every spelling, at save and at connect time.</summary>
public sealed class WebhookDestinationPolicyTests
{
    [Theory]
    // IPv4 special-purpose registry entries that are not globally reachable, multicast, reserved, broadcast.
    [InlineData("0.0.0.0", false)]
    [InlineData("0.1.2.3", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.255.255.254", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.0.0.1", false)]
    [InlineData("192.0.0.8", false)]
    [InlineData("192.0.0.170", false)]
    [InlineData("192.0.2.1", false)]
    [InlineData("192.88.99.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("198.19.255.255", false)]
    [InlineData("198.51.100.7", false)]
    [InlineData("203.0.113.9", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("239.255.255.250", false)]
    [InlineData("240.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    // IPv6 entries that are not globally reachable, site-local, multicast, reserved space.
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("fec0::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fe80::1%2", false)]
    [InlineData("ff02::1", false)]
    [InlineData("ff05::1:3", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("3fff::1", false)]
    [InlineData("2001:2::1", false)]
    [InlineData("2001:10::1", false)]
    [InlineData("100::1", false)]
    [InlineData("5f00::1", false)]
    [InlineData("4000::1", false)]
    // IPv4-compatible (deprecated), whatever it carries.
    [InlineData("::127.0.0.1", false)]
    [InlineData("::10.0.0.1", false)]
    [InlineData("::8.8.8.8", false)]
    // IPv4-mapped: the IPv4 address decides.
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.1.2.3", false)]
    [InlineData("::ffff:169.254.169.254", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    // NAT64 well-known prefix: the IPv4 address decides; the local-use prefix is not globally reachable.
    [InlineData("64:ff9b::7f00:1", false)]
    [InlineData("64:ff9b::127.0.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("64:ff9b::c0a8:101", false)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]
    [InlineData("64:ff9b::808:808", true)]
    [InlineData("64:ff9b:1::7f00:1", false)]
    [InlineData("64:ff9b:1::808:808", false)]
    // 6to4: the IPv4 address in bits 16–47 decides.
    [InlineData("2002:7f00:1::", false)]
    [InlineData("2002:a00:1::1", false)]
    [InlineData("2002:c0a8:101::1", false)]
    [InlineData("2002:a9fe:a9fe::1", false)]
    [InlineData("2002:808:808::1", true)]
    // Teredo: the client's IPv4 address, inverted in the last 32 bits, decides (192.0.2.45, 127.0.0.1, 8.8.8.8).
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", false)]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", false)]
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:f7f7", true)]
    // Public addresses, and registry entries that are globally reachable.
    [InlineData("8.8.8.8", true)]
    [InlineData("1.1.1.1", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("192.0.0.9", true)]
    [InlineData("192.88.99.2", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("2001:1::1", true)]
    public void Only_globally_reachable_addresses_are_allowed_in_every_spelling(string address, bool allowed)
    {
        Assert.Equal(allowed, SpecialPurposeAddresses.IsGloballyReachable(IPAddress.Parse(address)));
        Assert.Equal(!allowed, WebhookDestinationPolicy.IsRefusedAddress(IPAddress.Parse(address)));
    }

    [Fact]
    public void Each_registry_row_decides_its_own_first_address_by_its_globally_reachable_column()
    {
        foreach (var range in SpecialPurposeAddresses.Ipv4.Concat(SpecialPurposeAddresses.Ipv6))
        {
            var first = range.Network.BaseAddress;
            if (range.Embedding != Ipv4Embedding.None || SpecialPurposeAddresses.Find(first) != range)
            {
                continue; // decided by the IPv4 address it carries, or by a more specific row
            }
            Assert.True((range.GloballyReachable == true) == SpecialPurposeAddresses.IsGloballyReachable(first), $"{range.Prefix} ({range.Name})");
        }
    }

    private static ServiceProvider Services(bool allowPrivateNetworks)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhookDelivery(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:AllowPrivateNetworks"] = allowPrivateNetworks ? "true" : "false",
        }).Build());
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::1")]
    public async Task A_loopback_address_spelled_as_IPv6_is_refused_at_save_and_at_connect(string literal)
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var url = new Uri($"http://[{literal}]:{receiver.BaseAddress.Port}/hook");
        await using var services = Services(allowPrivateNetworks: false);
        var policy = services.GetRequiredService<WebhookDestinationPolicy>();

        var refusal = await policy.CheckAsync(url);
        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() =>
            services.GetRequiredService<IHttpClientFactory>().CreateClient(DeliveryRegistration.ClientName).GetAsync(url));

        Assert.Contains(WebhookDestinationPolicy.RefusedMessage, refusal);
        Assert.IsType<DestinationRefusedException>(error.InnerException ?? error);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task With_private_networks_allowed_such_urls_pass_the_save_check()
    {
        await using var services = Services(allowPrivateNetworks: true);

        Assert.Null(await services.GetRequiredService<WebhookDestinationPolicy>().CheckAsync(new Uri("http://[::ffff:127.0.0.1]:8080/hook")));
    }
}
