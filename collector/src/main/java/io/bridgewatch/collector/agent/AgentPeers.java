package io.bridgewatch.collector.agent;

import java.util.HashSet;
import java.util.Set;
import jdk.net.UnixDomainPrincipal;

/**
 * Which local processes may stream records to the collector, by the credentials the kernel vouches for on the
 * connection ({@code SO_PEERCRED}): a user name, or the primary group a process ran with when it connected. The
 * default admits only the collector's own user; serving processes of another user are admitted by naming them or
 * a group they run in ({@code agent.allowed.users}, {@code agent.allowed.groups}).
 */
public record AgentPeers(Set<String> users, Set<String> groups) {

    public AgentPeers {
        users = Set.copyOf(users);
        groups = Set.copyOf(groups);
    }

    /** The collector's own user, and the users and groups named. */
    public static AgentPeers ownUserAnd(Set<String> users, Set<String> groups) {
        Set<String> admitted = new HashSet<>(users);
        admitted.add(System.getProperty("user.name"));
        return new AgentPeers(admitted, groups);
    }

    public static AgentPeers ownUser() {
        return ownUserAnd(Set.of(), Set.of());
    }

    public boolean admits(UnixDomainPrincipal peer) {
        return users.contains(peer.user().getName()) || groups.contains(peer.group().getName());
    }
}
