// The Cotrain dashboard: a static page over the node's gateway API, refreshed when the gateway's live updates
// (server-sent events) say the chain changed, and polled every few seconds while they are down. No build step, no
// dependencies: the charts are plain SVG, the wallet is whatever EIP-1193 provider the browser injects.
'use strict';

const POLL_MS = 3000;
// While live updates flow, a slow poll only in case one was missed; a burst of updates costs one refresh
const LIVE_POLL_MS = 30000;
const LIVE_DEBOUNCE_MS = 300;
const LIVE_KINDS = ['block', 'reorg', 'contribution', 'score', 'round', 'score-commit', 'model-commit'];
const SVG = 'http://www.w3.org/2000/svg';
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

const state = { model: null, network: null, blocks: [], wallet: null, token: null, timer: null, live: false,
  refreshing: false, stale: false };

// ---- helpers ---------------------------------------------------------------------------------------------------

function $(id) { return document.getElementById(id); }

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function svgEl(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A token amount in the smallest unit (decimal string) as whole tokens with up to two decimals. */
function tokens(wei) {
  const value = BigInt(wei || '0');
  const unit = 10n ** 18n;
  return `${number.format(Number(value / unit) + Number(value % unit) / 1e18)} COT`;
}

function shortAddress(address) {
  return address ? `${address.slice(0, 6)}…${address.slice(-4)}` : '';
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.body ? { 'Content-Type': 'application/json' } : {}) };
  if (options.auth && state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(path, { method: options.method || 'GET', headers,
    body: options.body ? JSON.stringify(options.body) : undefined });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(body && body.detail ? body.detail : `HTTP ${response.status} on ${path}`);
  return body;
}

function fact(term, value, testId) {
  return el('div', {}, el('dt', {}, term), el('dd', testId ? { 'data-testid': testId } : {}, value));
}

// ---- the network and the model ---------------------------------------------------------------------------------

async function refresh() {
  state.refreshing = true;
  let read = false;
  try {
    const [network, totals, models] = await Promise.all([api('/network'), api('/network/totals'), api('/models')]);
    state.network = network;
    noteBlock(Number(totals.block));
    renderNetwork(network, totals);
    renderModelChoice(models);
    if (state.model !== null) {
      const id = state.model;
      const [status, commits, rounds] = await Promise.all([api(`/models/${id}/status`), api(`/models/${id}/commits`),
        api(`/models/${id}/rounds?limit=10`)]);
      renderStatus(status);
      renderAccuracy(commits);
      renderBranches(commits, status.branches);
      renderRounds(rounds);
    }
    if (state.wallet) await renderWallet();
    await renderHistory();
    $('error').hidden = true;
    read = true;
  } catch (error) {
    $('error').textContent = `Cannot read the network: ${error.message}. Retrying every ${POLL_MS / 1000} s.`;
    $('error').hidden = false;
  } finally {
    state.refreshing = false;
    clearTimeout(state.timer); // one pending poll, even when a refresh was asked for between two polls
    const delay = !read ? POLL_MS : state.stale ? LIVE_DEBOUNCE_MS : state.live ? LIVE_POLL_MS : POLL_MS;
    state.timer = setTimeout(refresh, delay);
    state.stale = false;
  }
}

/** A live update arrived: refresh shortly, once for a burst, after the refresh in flight if there is one. */
function requestRefresh() {
  if (state.refreshing) {
    state.stale = true;
    return;
  }
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, LIVE_DEBOUNCE_MS);
}

/** Follows the gateway's live updates; EventSource reconnects by itself, and polling stands in meanwhile. */
function listen() {
  if (typeof EventSource === 'undefined') return;
  const source = new EventSource('/events');
  source.addEventListener('open', () => setLive(true));
  source.addEventListener('error', () => setLive(false));
  for (const kind of LIVE_KINDS) source.addEventListener(kind, requestRefresh);
}

function setLive(live) {
  if (state.live && !live && !state.refreshing) {
    clearTimeout(state.timer);
    state.timer = setTimeout(refresh, POLL_MS);
  }
  state.live = live;
  $('live').textContent = live ? 'live' : `polling every ${POLL_MS / 1000} s`;
}

/** Remembers when each block was first seen, to turn blocks left into seconds. */
function noteBlock(block) {
  const last = state.blocks[state.blocks.length - 1];
  if (!last || last.block !== block) state.blocks.push({ block, at: Date.now() });
  if (state.blocks.length > 20) state.blocks.shift();
}

function secondsPerBlock() {
  if (state.blocks.length < 2) return null;
  const first = state.blocks[0];
  const last = state.blocks[state.blocks.length - 1];
  return (last.at - first.at) / 1000 / (last.block - first.block);
}

function renderNetwork(network, totals) {
  $('network-line').textContent = `Chain ${network.chainId} · block ${number.format(Number(totals.block))} · `
    + (network.validating ? `validator ${shortAddress(network.validator)}` : 'gateway only');
  $('totals').replaceChildren(
    fact('Contributor stake', tokens(totals.contributorStake), 'total-staked'),
    fact('Validator bonds', tokens(totals.validatorBonds)),
    fact('Reward pool', tokens(totals.poolAvailable), 'total-pool'),
    fact('Rewards credited', tokens(totals.credited)),
    fact('Paid out', tokens(totals.paid), 'total-paid'),
    fact('Slashed', tokens(totals.slashed)),
    fact('Models', number.format(totals.models)),
    fact('Active validators', number.format(totals.activeValidators)));
}

function renderModelChoice(models) {
  const select = $('model-select');
  $('no-models').hidden = models.length > 0;
  $('model').hidden = models.length === 0;
  select.disabled = models.length === 0;
  if (models.length === 0) { state.model = null; select.replaceChildren(); return; }
  const ids = models.map(m => String(m.taskId));
  if (select.options.length !== ids.length) {
    select.replaceChildren(...models.map(m => el('option', { value: m.taskId }, `Task ${m.taskId} (${m.spec.rule})`)));
  }
  if (state.model === null || !ids.includes(String(state.model))) state.model = Number(ids[0]);
  select.value = String(state.model);
}

function renderStatus(status) {
  $('model-facts').replaceChildren(
    fact('Owner', shortAddress(status.owner)),
    fact('Aggregation', status.spec.rule),
    fact('Latest accuracy', percent.format(status.latestAccuracy), 'latest-accuracy'),
    fact('Head commit', `#${status.headCommit}`),
    fact('Current round', status.currentRound),
    fact('Contributors', number.format(status.contributors)),
    fact('Contributions', number.format(status.contributions)),
    fact('Validators', `${status.activeValidators} active of ${status.validators}`));
  let text = `Round ${status.currentRound}: ${status.phase}`;
  if (!status.roundOpen) text += ' · no contribution yet';
  if (status.paused) {
    text += ' · the protocol is paused: its windows stand still until it resumes';
  } else if (status.phaseEndBlock !== null) {
    const left = Number(status.phaseEndBlock) - Number(status.block);
    const perBlock = secondsPerBlock();
    text += left > 0 ? ` · ends in ${left} block${left === 1 ? '' : 's'}`
      + (perBlock ? ` (about ${Math.max(1, Math.round(left * perBlock))} s)` : '') : ' · ending now';
  }
  $('phase').textContent = text;
  const neutral = status.neutralScore, threshold = status.slashThresholdScore;
  $('status-legend').textContent = `Accepted: consensus score above ${neutral}, rewarded `
    + `base × (score − ${neutral}) / (100 − ${neutral}) × reputation factor. `
    + `Unrewarded: ${threshold} to ${neutral}, no measurable value: no reward. `
    + `Rejected: below ${threshold}, part of the stake slashed. Released: the round had no quorum, stake released. `
    + "Every scored contribution pays its round's submission fee out of its stake. "
    + '(Thresholds of the current round; each round keeps the parameters it opened with.)';
}

function renderAccuracy(allCommits) {
  const svg = $('accuracy-chart');
  svg.replaceChildren();
  // the base commit (no parents) records no held-out measurement: only validators' commits carry one
  const commits = allCommits.filter(c => c.parents.length > 0);
  $('accuracy-empty').hidden = commits.length > 0;
  if (commits.length === 0) return;
  const width = 640, height = 260, left = 60, right = 40, top = 20, bottom = 40;
  const values = commits.map(c => c.accuracy);
  const low = Math.max(0, Math.min(...values) - 0.02), high = Math.min(1, Math.max(...values) + 0.02);
  const span = Math.max(high - low, 0.01);
  const x = i => left + (commits.length === 1 ? (width - left - right) / 2 : i * (width - left - right) / (commits.length - 1));
  const y = v => top + (1 - (v - low) / span) * (height - top - bottom);
  for (const tick of [low, (low + high) / 2, high]) {
    svg.append(svgEl('line', { x1: left, x2: width - right, y1: y(tick), y2: y(tick), stroke: '#eaeef2' }));
    svg.append(svgEl('text', { x: 4, y: y(tick) + 4 }, percent.format(tick)));
  }
  svg.append(svgEl('polyline', { class: 'line', points: commits.map((c, i) => `${x(i)},${y(c.accuracy)}`).join(' ') }));
  commits.forEach((commit, i) => {
    const point = svgEl('circle', { class: 'point', cx: x(i), cy: y(commit.accuracy), r: 5, 'data-commit': commit.id,
      'data-accuracy': commit.accuracy });
    point.append(svgEl('title', {}, `Commit #${commit.id}, round ${commit.round}: ${percent.format(commit.accuracy)}`));
    svg.append(point);
    svg.append(svgEl('text', { x: x(i), y: height - bottom + 16, 'text-anchor': 'middle' }, `#${commit.id}`));
    svg.append(svgEl('text', { x: x(i), y: height - bottom + 30, 'text-anchor': 'middle' },
      commit.parents.length > 1 ? 'merge' : `round ${commit.round}`));
  });
}

function renderBranches(commits, branches) {
  const svg = $('branch-graph');
  svg.replaceChildren();
  if (commits.length === 0) return;
  const rows = new Map(branches.map((b, i) => [String(b.id), i]));
  const left = 130, right = 20, top = 30, rowHeight = Math.min(50, 200 / Math.max(1, branches.length));
  const x = i => left + (commits.length === 1 ? 0 : i * (640 - left - right) / (commits.length - 1));
  const position = new Map(commits.map((c, i) => [String(c.id), { x: x(i), y: top + rows.get(String(c.branchId)) * rowHeight }]));
  branches.forEach((b, i) => svg.append(svgEl('text', { x: 4, y: top + i * rowHeight + 4 },
    `${b.name}${b.isDefault ? ' (default)' : ''}`)));
  for (const commit of commits) {
    const to = position.get(String(commit.id));
    for (const parent of commit.parents) {
      const from = position.get(String(parent));
      if (from) svg.append(svgEl('path', { class: 'edge', d: `M${from.x},${from.y} C${(from.x + to.x) / 2},${from.y} ${(from.x + to.x) / 2},${to.y} ${to.x},${to.y}` }));
    }
  }
  for (const commit of commits) {
    const at = position.get(String(commit.id));
    const node = svgEl('circle', { class: `commit${commit.headOf.length ? ' head' : ''}`, cx: at.x, cy: at.y, r: 7,
      'data-commit': commit.id });
    node.append(svgEl('title', {}, `Commit #${commit.id} on ${commit.headOf.join(', ') || 'history'}: parents `
      + `${commit.parents.map(p => '#' + p).join(', ') || 'none'}`));
    svg.append(node);
    svg.append(svgEl('text', { x: at.x - 8, y: at.y - 12 }, `#${commit.id}`));
  }
}

function renderRounds(rounds) {
  $('no-rounds').hidden = rounds.length > 0;
  $('rounds').replaceChildren(...rounds.map(round => {
    const quorum = round.quorumReached === null ? '' : round.quorumReached ? ' · quorum reached' : ' · no quorum';
    const table = el('table', { 'data-round': round.round },
      el('caption', {}, `Round ${round.round} · ${round.phase}${quorum} · parameters v${round.parameterVersion}`),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Contribution'), el('th', { scope: 'col' }, 'Contributor'),
        el('th', { scope: 'col' }, 'Kind'), el('th', { scope: 'col' }, 'Status'),
        el('th', { scope: 'col', class: 'num' }, 'Consensus score'), el('th', { scope: 'col', class: 'num' }, 'Reward'),
        el('th', { scope: 'col', class: 'num' }, 'Slashed'), el('th', { scope: 'col' }, 'Why (this node)'))),
      el('tbody', {}, round.contributions.map(c => el('tr', {},
        el('td', {}, `#${c.id}`), el('td', { class: 'addr', title: c.contributor }, shortAddress(c.contributor)),
        el('td', {}, c.kind.replace('_', ' ').toLowerCase()), el('td', { class: c.status }, c.status),
        el('td', { class: 'num' }, c.consensusScore === null ? '–' : c.consensusScore),
        el('td', { class: 'num', 'data-testid': 'reward', 'data-wei': c.reward }, tokens(c.reward)),
        el('td', { class: 'num', 'data-testid': 'slash', 'data-wei': c.slashed }, tokens(c.slashed)),
        el('td', { class: 'why', 'data-testid': 'why' }, c.judgement === null
          ? 'not judged by this node' : `${c.judgement.score}: ${c.judgement.why}`)))));
    const agreement = round.validators.length === 0 ? [] : [el('p', { class: 'muted' }, 'Validator agreement: ',
      round.validators.map(v => `${shortAddress(v.validator)} ${v.agreements} agreed, ${v.deviations} deviated`
        + ` (${tokens(v.reward)})`).join(' · '))];
    return el('div', {}, table, ...agreement);
  }));
}

// ---- the wallet --------------------------------------------------------------------------------------------------

function say(text, isError = false) {
  $('wallet-message').textContent = text;
  $('wallet-message').className = isError ? 'message error' : 'message';
}

async function connect() {
  if (!window.ethereum) {
    say('No wallet found: install or enable an Ethereum wallet (EIP-1193) in this browser.', true);
    return;
  }
  try {
    const accounts = await window.ethereum.request({ method: 'eth_requestAccounts' });
    state.wallet = accounts[0];
    const chain = Number(await window.ethereum.request({ method: 'eth_chainId' }));
    if (state.network && chain !== state.network.chainId) {
      say(`The wallet is on chain ${chain}; switch it to chain ${state.network.chainId}.`, true);
    } else {
      say('Connected. Sign in to evaluate models; registering, submitting and claiming need only the wallet.');
    }
    $('wallet-state').textContent = `Connected: ${state.wallet}`;
    $('history-address').value = state.wallet;
    for (const id of ['sign-in', 'join', 'claim', 'manifest', 'kind', 'submit']) $(id).disabled = false;
    await renderSealingKeys();
    await renderWallet();
    await renderHistory();
  } catch (error) {
    say(`The wallet refused: ${error.message}`, true);
  }
}

async function signIn() {
  try {
    const nonce = await api('/auth/nonce', { method: 'POST', body: { address: state.wallet } });
    // personal_sign takes the message as hex-encoded UTF-8 (every wallet accepts that form)
    const hex = '0x' + Array.from(new TextEncoder().encode(nonce.message), b => b.toString(16).padStart(2, '0')).join('');
    const signature = await window.ethereum.request({ method: 'personal_sign', params: [hex, state.wallet] });
    const token = await api('/token', { method: 'POST', body: { message: nonce.message, signature } });
    state.token = token.accessToken;
    $('wallet-state').textContent = `Signed in as ${token.address} until ${new Date(token.expiresAt).toLocaleTimeString()}`;
    say('Signed in.');
  } catch (error) {
    say(`Sign-in failed: ${error.message}`, true);
  }
}

/** Sends each transaction of a plan from the wallet, in order, waiting for each to be mined. */
/** The validators a contribution must be sealed to, as GET /training/sealing-keys lists them. */
async function renderSealingKeys() {
  const keys = await api('/training/sealing-keys');
  $('sealing-keys').textContent = keys.length === 0
    ? 'No validator has published its key yet: content cannot be sealed to them, wait for their nodes to start.'
    : `Content is sealed to ${keys.length} validator${keys.length === 1 ? '' : 's'} `
      + `(${keys.map(key => key.address).join(', ')}) before it is stored: cotrain train and cotrain submit `
      + '--dataset do it; content sealed without one of them is refused here.';
}

async function send(plan) {
  if (plan.transactions.length === 0) { say(plan.summary); return; }
  for (const tx of plan.transactions) {
    say(`Confirm in the wallet: ${tx.description}`);
    const hash = await window.ethereum.request({ method: 'eth_sendTransaction', params: [{
      from: tx.from, to: tx.to, data: tx.data, value: tx.value, ...(tx.gas ? { gas: tx.gas } : {}) }] });
    say(`Sent ${tx.description}: ${hash}; waiting for it to be mined…`);
    let receipt = null;
    for (let i = 0; i < 120 && !receipt; i++) {
      receipt = await window.ethereum.request({ method: 'eth_getTransactionReceipt', params: [hash] });
      if (!receipt) await new Promise(resolve => setTimeout(resolve, 1000));
    }
    if (!receipt || receipt.status !== '0x1') throw new Error(`${tx.description} was not mined successfully (${hash})`);
  }
  say(`Done: ${plan.summary}.`);
  clearTimeout(state.timer);
  await refresh(); // show the new balances, totals and history now rather than at the next poll
}

async function walletAction(action) {
  try {
    await action();
  } catch (error) {
    say(error.message, true);
  }
}

async function renderWallet() {
  const balance = await api(`/rewards/balance/${state.wallet}`);
  const unbonding = BigInt(balance.unbondingStake) === 0n ? tokens('0')
    : `${tokens(balance.unbondingStake)} (all withdrawable from block ${balance.unbondingReadyBlock})`;
  $('wallet-balance').replaceChildren(
    fact('Claimable', tokens(balance.claimable), 'wallet-claimable'),
    fact('Stake', tokens(balance.stake), 'wallet-stake'),
    fact('Locked by contributions', tokens(balance.lockedStake)),
    fact('Free stake', tokens(balance.freeStake)),
    fact('Unbonding', unbonding, 'wallet-unbonding'),
    fact('Withdrawable now', tokens(balance.withdrawableStake), 'wallet-withdrawable'),
    fact('Latest round', Number(balance.lastRound) === 0 ? 'none yet'
      : `${balance.lastRoundSubmissions} submitted to round ${balance.lastRound}`, 'wallet-last-round'),
    fact('Reputation', `${number.format(balance.reputationBps / 100)}%`),
    fact('Token balance', tokens(balance.tokenBalance)));
}

async function renderHistory() {
  const address = $('history-address').value.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    $('history').replaceChildren(el('p', { class: 'empty' }, 'Enter an address to see its rewards and slashes.'));
    return;
  }
  const history = await api(`/rewards/history/${address}`);
  const totals = el('dl', { class: 'facts' }, fact('Rewarded', tokens(history.rewarded), 'history-rewarded'),
    fact('Slashed', tokens(history.slashed)), fact('Claimed', tokens(history.claimed)));
  if (history.entries.length === 0) {
    $('history').replaceChildren(totals, el('p', { class: 'empty' }, 'Nothing rewarded or slashed yet.'));
    return;
  }
  const rows = history.entries.slice(-20).reverse().map(e => el('tr', {}, el('td', {}, e.type.replaceAll('_', ' ').toLowerCase()),
    el('td', { class: 'num' }, tokens(e.amount)), el('td', {}, e.round ?? '–'),
    el('td', {}, e.contributionId ? `#${e.contributionId}` : '–'), el('td', { class: 'num' }, e.block)));
  $('history').replaceChildren(totals, el('table', {}, el('caption', {}, 'Latest 20, newest first'),
    el('thead', {}, el('tr', {}, ['What', 'Amount', 'Round', 'Contribution', 'Block'].map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows)));
}

function start() {
  $('model-select').addEventListener('change', event => {
    state.model = Number(event.target.value);
    clearTimeout(state.timer);
    refresh();
  });
  $('history-address').addEventListener('change', () => renderHistory().catch(error => {
    $('history').replaceChildren(el('p', { class: 'message error' }, error.message));
  }));
  $('connect').addEventListener('click', connect);
  $('sign-in').addEventListener('click', signIn);
  $('join').addEventListener('click', () => walletAction(async () =>
    send(await api(`/training/join/${state.model}`, { method: 'POST', body: { address: state.wallet } }))));
  $('claim').addEventListener('click', () => walletAction(async () =>
    send(await api('/rewards/claim', { method: 'POST', body: { address: state.wallet } }))));
  $('submit-form').addEventListener('submit', event => {
    event.preventDefault();
    walletAction(async () => send(await api(`/training/submit/${state.model}`, { method: 'POST',
      body: { address: state.wallet, manifest: $('manifest').value.trim(), kind: $('kind').value } })));
  });
  refresh();
  listen();
}

document.addEventListener('DOMContentLoaded', start);
