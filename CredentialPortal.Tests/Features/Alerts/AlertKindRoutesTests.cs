using CredentialPortal.Features.Alerts;

namespace CredentialPortal.Tests.Features.Alerts;

public sealed class AlertKindRoutesTests
{
    [Theory]
    [InlineData("flexible-actions/platform-events/new", AlertKind.PlatformEvent)]
    [InlineData("flexible-actions/runtime-alerts/new", AlertKind.RuntimeAlert)]
    [InlineData("Flexible-Actions/Platform-Events/12/edit", AlertKind.PlatformEvent)]
    [InlineData("/flexible-actions/runtime-alerts/3?from=home#top", AlertKind.RuntimeAlert)]
    public void The_kind_is_read_from_its_section_of_the_address(string path, AlertKind kind) =>
        Assert.Equal(kind, AlertKindRoutes.FromPath(path));

    [Theory]
    [InlineData("")]
    [InlineData("flexible-actions")]
    [InlineData("flexible-actions/other/new")]
    [InlineData("integrations/webhook-credentials/new?next=/flexible-actions/platform-events/")]
    public void An_address_outside_a_kind_has_no_kind(string path) => Assert.Null(AlertKindRoutes.FromPath(path));

    [Fact]
    public void Another_kind_named_in_the_query_does_not_change_the_kind() =>
        Assert.Equal(AlertKind.RuntimeAlert, AlertKindRoutes.FromPath("flexible-actions/runtime-alerts/new?next=/flexible-actions/platform-events/"));

    [Fact]
    public void Every_kind_reads_back_from_its_own_slug()
    {
        foreach (var kind in Enum.GetValues<AlertKind>())
        {
            Assert.Equal(kind, AlertKindRoutes.FromSlug(kind.Slug()));
        }
    }
}
