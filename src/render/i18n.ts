// Reply strings per locale (en, zh-CN). Numbers are formatted by the caller; only words change.
import { isZh, type Lang, type Locale } from '../../commands/types.ts';
import type { Note } from '../engine/report.ts';
import { tokens } from './format.ts';
import { TP_WHY } from './errors.ts';

type Dict = typeof en;

const en = {
  verdictFits: 'Fits',
  verdictTight: 'Fits, tight',
  verdictNo: 'Does not fit',
  usersAt: (users: string, ctx: string) => `${users} user${users === '1' ? '' : 's'} × ${ctx} tokens`,
  perGpu: 'Memory per GPU',
  weights: 'Weights',
  kvFor: (users: string, ctx: string) => `KV cache (${users} × ${ctx})`,
  kvPool: 'KV pool reserved',
  activations: 'Activations (peak)',
  overhead: 'Runtime overhead',
  free: 'Free in budget',
  short: 'Short by',
  budget: (util: string, vis: string) => `Budget ${util} × ${vis}`,
  capacity: 'Capacity',
  maxUsers: (n: string, ctx: string) => `**${n}** users at ${ctx} context`,
  maxContext: (ctx: string, users: string) => `**${ctx}** tokens each for ${users} user${users === '1' ? '' : 's'}`,
  poolTokens: (n: string) => `KV pool holds ${n} tokens`,
  speed: 'Speed (estimate)',
  speedLine: (perUser: string, total: string) => `~${perUser} tok/s per user, ${total} tok/s total`,
  prefillLine: (prefill: string, ttft: string, ctx: string) => `prefill ${prefill} tok/s · first token ${ttft} at ${ctx}`,
  loadLine: (single: string, users: string, prompt: string, ttft: string, itl: string) =>
    `one user alone ${single} tok/s · ${users} users chatting (${prompt} new tokens a turn): first token ${ttft}, a token every ${itl}`,
  specLine: (method: string, k: string, accept: string, length: string, perUser: string, perUserWithout: string, single: string, singleWithout: string, weights: string, kv: string) =>
    `speculative ${method}: ${k} drafted, ${accept} accepted (${length} tokens a step) · ${perUser} tok/s per user vs ${perUserWithout} without, alone ${single} vs ${singleWithout} · costs ${weights} weights + ${kv} KV per token per GPU`,
  atTarget: (n: string, tps: string, ttft: string, binding: 'memory' | 'speed') =>
    `${n} users at ${tps} tok/s each, first token within ${ttft} · ${binding === 'speed' ? 'speed binds' : 'memory binds'}`,
  boundBy: { memory: 'memory-bandwidth bound', compute: 'compute bound', interconnect: 'interconnect bound', host: 'host-RAM bound' },
  layout: 'Layout',
  alternatives: 'Also considered',
  notes: 'Notes',
  assumptions: 'Assumptions',
  explain: 'How each figure was computed',
  howComputed: 'How the key figures were computed (--explain shows every step)',
  model: 'Model',
  footer: 'Headroom · numbers from the architecture; engine rules per release',
  error: 'Headroom could not answer that',
  didYouMean: 'Did you mean',
  oldButton: (cmd: string) => `This button is from an older version of Headroom; run ${cmd} again.`,
  badButton: (cmd: string) => `This button could not be read; run ${cmd} again.`,
  buttons: { users: 'Users ×2', context: 'Context ×2', kv: 'KV fp8', int4: 'Weights int4', gpuUp: 'Next GPU up' },
  apology: 'Sorry — something went wrong while answering. The details were logged.',
  instead: 'Would fit instead',
  insteadLine: (count: string, gpu: string, shape: string, users: string, tps: string) => `${count}× ${gpu} — ${shape}, up to ${users} users, ~${tps} tok/s each`,
  insteadSlow: (floor: string, users: string) => ` (below ${floor} tok/s; ${users} users reach it)`,
  recommendTitle: (model: string) => `Hardware for ${model}`,
  recommendNone: 'Nothing in the catalog fits this request, even at 8 GPUs per replica. Try int4 weights, fp8 KV or a shorter context.',
  page: (p: string, n: string) => `Page ${p}/${n}`,
  source: { catalog: 'Architecture: Headroom catalog', hub: (where: string) => `Architecture: Hugging Face Hub ${where}`, attachment: 'Architecture: the attached config.json' },
  // --- the /size card (src/render/card.ts) ---
  card: {
    dash: ' — ',
    fitLine: (users: string, ctx: string, each: string, n: string) => `**${users}** users fit at ${ctx} · **${each}** tokens each for ${n}`,
    holdLine: (users: string, ctx: string, need: string, each: string) => `Holds **${users}** users at ${ctx} (${need} asked) · **${each}** tokens each for ${need}`,
    speedLine: (perUser: string, total: string, ttft: string) => `~${perUser} tok/s per user, ${total} total · first token ${ttft}`,
    specSuffix: (method: string, without: string, weights: string) => ` · ${method} (${without} without, +${weights}/GPU)`,
    shortLine: (short: string) => `Short by **${short}** per GPU`,
    layoutLine: (shape: string, gpus: string) => `${shape} on ${gpus}`,
    details: 'Details',
    detailsTitle: 'Details',
    insteadHead: 'Would fit instead:',
    towardHead: 'Closer to a fit:',
    whatIfHead: 'What if:',
    chartAlt: (v: string) => `GPU memory: ${v}`,
    users: (n: string) => `${n} user${n === '1' ? '' : 's'}`,
    context: (c: string) => `${c} context`,
    gpus: (n: string) => `${n} GPUs`,
    kv: (k: string) => `KV ${k}`,
    weights: (q: string) => `${q} weights`,
    nextGpu: (g: string) => `Next GPU: ${g}`,
    change: {
      users: (a: string, b: string) => `${a} → ${b} users`,
      context: (a: string, b: string) => `${a} → ${b} context`,
      kv: (a: string, b: string) => `KV ${a} → ${b}`,
      quant: (a: string, b: string) => `weights ${a} → ${b}`,
      gpu: (a: string, b: string) => `${a} → ${b}`,
      join: ', ',
      stillFits: (tps: string, was: string) => `still fits, ${tps} tok/s each (was ${was})`,
      nowFits: (users: string, tps: string) => `now fits: up to ${users} users, ${tps} tok/s each`,
      noLonger: (users: string, short: string) => `no longer fits: holds ${users} users, short by ${short} per GPU`,
      stillNo: (short: string, was: string) => `still does not fit: short by ${short} per GPU (was ${was})`,
    },
    memory: 'Memory per GPU',
    allNotes: 'Notes',
    launch: 'Launch',
    cost: 'Cost',
    computed: 'How the key figures were computed',
  },
  // --- the chart (src/render/chart.ts) ---
  chart: {
    keyFits: (users: string, ctx: string) => `${users} users at ${ctx}`,
    keyShort: (short: string) => `short ${short} per GPU`,
    oneGpu: (shape: string) => `one GPU of ${shape}`,
    weights: 'Weights',
    kv: (users: string, ctx: string) => `KV ${users}×${ctx}`,
    activations: 'Activations',
    overhead: 'Overhead',
    free: 'Free',
    outside: 'Outside budget',
    short: 'Short by',
    budget: (budget: string, visible: string, util: string) => `Budget ${budget} of ${visible} visible (${util})`,
  },
};

const zh: Dict = {
  verdictFits: '放得下',
  verdictTight: '放得下，但很紧',
  verdictNo: '放不下',
  usersAt: (users, ctx) => `${users} 个用户 × ${ctx} tokens`,
  perGpu: '每张 GPU 显存',
  weights: '权重',
  kvFor: (users, ctx) => `KV 缓存（${users} × ${ctx}）`,
  kvPool: '预留的 KV 池',
  activations: '激活（峰值）',
  overhead: '运行时开销',
  free: '预算内剩余',
  short: '缺口',
  budget: (util, vis) => `预算 ${util} × ${vis}`,
  capacity: '容量',
  maxUsers: (n, ctx) => `${ctx} 上下文下最多 **${n}** 个用户`,
  maxContext: (ctx, users) => `${users} 个用户时每人最多 **${ctx}** tokens`,
  poolTokens: (n) => `KV 池可容纳 ${n} tokens`,
  speed: '速度（估算）',
  speedLine: (perUser, total) => `每用户约 ${perUser} tok/s，总计 ${total} tok/s`,
  prefillLine: (prefill, ttft, ctx) => `预填充 ${prefill} tok/s · ${ctx} 时首 token ${ttft}`,
  loadLine: (single, users, prompt, ttft, itl) => `单用户 ${single} tok/s · ${users} 个用户对话时（每轮新增 ${prompt} token）：首 token ${ttft}，每 ${itl} 一个 token`,
  specLine: (method, k, accept, length, perUser, perUserWithout, single, singleWithout, weights, kv) =>
    `投机解码 ${method}：草拟 ${k} 个，接受率 ${accept}（每步 ${length} 个 token）· 每用户 ${perUser} tok/s，不开 ${perUserWithout}；单用户 ${single} 对 ${singleWithout} · 代价：每张 GPU ${weights} 权重 + 每 token ${kv} KV`,
  atTarget: (n, tps, ttft, binding) => `每用户 ${tps} tok/s、首 token ${ttft} 内：${n} 个用户 · ${binding === 'speed' ? '受速度限制' : '受显存限制'}`,
  boundBy: { memory: '受显存带宽限制', compute: '受算力限制', interconnect: '受互联带宽限制', host: '受主机内存带宽限制' },
  layout: '并行布局',
  alternatives: '其他方案',
  notes: '说明',
  assumptions: '假设',
  explain: '每个数字的计算过程',
  howComputed: '关键数字的计算方式（--explain 显示全部步骤）',
  model: '模型',
  footer: 'Headroom · 数字来自模型结构；引擎规则按版本',
  error: 'Headroom 无法回答这个问题',
  didYouMean: '你是不是想找',
  oldButton: (cmd) => `这个按钮来自旧版本的 Headroom，请重新运行 ${cmd}。`,
  badButton: (cmd) => `无法读取这个按钮，请重新运行 ${cmd}。`,
  buttons: { users: '用户 ×2', context: '上下文 ×2', kv: 'KV fp8', int4: '权重 int4', gpuUp: '换更大的 GPU' },
  apology: '抱歉，回答时出错了，详细信息已记录。',
  instead: '改用这些硬件可以放下',
  insteadLine: (count, gpu, shape, users, tps) => `${count}× ${gpu} — ${shape}，最多 ${users} 个用户，每人约 ${tps} tok/s`,
  insteadSlow: (floor, users) => `（低于 ${floor} tok/s；${users} 个用户能达到）`,
  recommendTitle: (model) => `${model} 的硬件推荐`,
  recommendNone: '目录中没有能满足该请求的硬件（每副本 8 卡以内）。可尝试 int4 权重、fp8 KV 或更短上下文。',
  page: (p, n) => `第 ${p}/${n} 页`,
  source: { catalog: '模型结构：Headroom 目录', hub: (where) => `模型结构：Hugging Face Hub ${where}`, attachment: '模型结构：上传的 config.json' },
  card: {
    dash: '——',
    fitLine: (users, ctx, each, n) => `${ctx} 上下文下可容纳 **${users}** 个用户 · ${n} 个用户时每人 **${each}** tokens`,
    holdLine: (users, ctx, need, each) => `${ctx} 上下文下只能容纳 **${users}** 个用户（需要 ${need} 个）· ${need} 个用户时每人 **${each}** tokens`,
    speedLine: (perUser, total, ttft) => `每用户约 ${perUser} tok/s，总计 ${total} · 首 token ${ttft}`,
    specSuffix: (method, without, weights) => ` · ${method}（不开 ${without}，每卡 +${weights}）`,
    shortLine: (short) => `每张 GPU 还缺 **${short}**`,
    layoutLine: (shape, gpus) => `${gpus}，${shape}`,
    details: '详情',
    detailsTitle: '详情',
    insteadHead: '改用这些硬件可以放下：',
    towardHead: '更接近放得下：',
    whatIfHead: '如果：',
    chartAlt: (v) => `GPU 显存：${v}`,
    users: (n) => `${n} 个用户`,
    context: (c) => `${c} 上下文`,
    gpus: (n) => `${n} 张 GPU`,
    kv: (k) => `KV ${k}`,
    weights: (q) => `权重 ${q}`,
    nextGpu: (g) => `换 ${g}`,
    change: {
      users: (a, b) => `用户 ${a} → ${b}`,
      context: (a, b) => `上下文 ${a} → ${b}`,
      kv: (a, b) => `KV ${a} → ${b}`,
      quant: (a, b) => `权重 ${a} → ${b}`,
      gpu: (a, b) => `${a} → ${b}`,
      join: '，',
      stillFits: (tps, was) => `仍然放得下，每人 ${tps} tok/s（原来 ${was}）`,
      nowFits: (users, tps) => `现在放得下：最多 ${users} 个用户，每人 ${tps} tok/s`,
      noLonger: (users, short) => `放不下了：只能容纳 ${users} 个用户，每张 GPU 缺 ${short}`,
      stillNo: (short, was) => `仍然放不下：每张 GPU 缺 ${short}（原来缺 ${was}）`,
    },
    memory: '每张 GPU 显存',
    allNotes: '说明',
    launch: '启动命令',
    cost: '成本',
    computed: '关键数字的计算方式',
  },
  chart: {
    keyFits: (users, ctx) => `${ctx} 下 ${users} 个用户`,
    keyShort: (short) => `每张 GPU 缺 ${short}`,
    oneGpu: (shape) => `${shape} 中一张 GPU`,
    weights: '权重',
    kv: (users, ctx) => `KV ${users}×${ctx}`,
    activations: '激活',
    overhead: '运行时开销',
    free: '剩余',
    outside: '预算外',
    short: '缺口',
    budget: (budget, visible, util) => `预算 ${budget}，可见 ${visible}（${util}）`,
  },
};

export function t(locale: Locale): Dict {
  return isZh(locale) ? zh : en;
}

type P = Record<string, string | number>;
/** Chinese versions of the notes people read most; others stay in English. */
const zhNotes: Record<string, (p: P) => string> = {
  'default.engine': (p) => `未指定引擎：按 ${p.engine} 默认设置估算。`,
  'default.quant': (p) => `未指定量化：使用模型自带的 ${String(p.quant).replace(/\s*\(.*\)$/, '')}。`,
  'default.context': (p) => `未指定上下文：按每用户 ${p.context} tokens 估算。`,
  'default.users': () => '未指定用户数：按 1 个并发用户估算。',
  'default.kv': (p) => `未指定 KV 精度：使用引擎默认的 ${p.kv}。`,
  'myth.gqa': (p) =>
    `GQA：K/V 只按 ${p.kvHeads} 个 KV 头 × head_dim ${p.headDim} 缓存，而不是 ${p.heads} 个注意力头：每 token ${p.perToken}。常见的 2 × 层数 × hidden 公式得到每 token ${p.naive}（多算 ${p.ratio} 倍）。`,
  'myth.weights': (p) => {
    if (p.holds === 'yes') return `权重：${p.billions}B 参数 × ${p.nominal} bit / 8 = ${p.gb}，即 ${p.gib}（GB 与 GiB 相差 7%）。`;
    const why = String(p.why ?? '')
      .split(',')
      .filter(Boolean)
      .map((w) => (w === 'emb16' ? '嵌入层和 lm_head 仍是 16 位' : w === 'gguf' ? `${p.quant} 是混合精度（attn_v、ffn_down 和输出层位数更高）` : w === 'mxfp4' ? '只有专家是 4 位' : w.startsWith('scales:') ? `scale 和零点每个权重多占 ${w.slice(7)} bit` : w));
    return `权重：${p.gb} = ${p.gib}（平均每权重 ${p.bits} bit）。经验公式 ${p.billions}B × ${p.nominal} bit / 8 = ${p.naive} 不准${why.length ? `，因为 ${why.join('；')}` : ''}。`.replace(/因为 (?=[\u4e00-\u9fff])/, '因为');
  },
  'myth.headDim': (p) => `head_dim 为 ${p.headDim}（来自 config.json），不是 hidden/heads = ${p.hidden}/${p.heads} = ${+(Number(p.hidden) / Number(p.heads)).toFixed(1)}；hidden_size 为 ${p.hidden}。`,
  'myth.moe': (p) => `MoE：${p.experts} 个专家都要放进显存，所以权重按总参数量计算；每个 token 只读取 ${p.topK} 个专家（激活参数），决定速度。`,
  'myth.mla': (p) => `MLA 每层只缓存一个压缩潜向量：(kv_lora_rank ${p.rank} + rope ${p.rope}) × ${p.bytes} B × ${p.layers} 层 = 每 token ${p.perToken}，而不是完整多头 K/V 的 ${p.naive}。`,
  'kv.window': (p) => `${p.windowed}/${p.layers} 层使用滑动窗口/局部注意力（${p.window} tokens），只保留窗口内的 KV；只有其余 ${p.rest} 层随上下文增长。`,
  'kv.linear': (p) => `${p.linear}/${p.layers} 层是 ${p.mixer ?? 'Gated DeltaNet'}（线性注意力/状态空间），每个序列只有固定大小的状态；只有 ${p.rest} 层保留增长的 KV 缓存。`,
  'kv.dsa': (p) => `DeepSeek 稀疏注意力：除 MLA 潜向量外，每层还缓存 Lightning Indexer 的 key（${p.dim} 个 fp8 + 一个 fp32 缩放）；KV 为 fp8 时潜向量使用 656 字节的 fp8_ds_mla 布局。`,
  'kv.cross': (p) => `${p.cross}/${p.layers} 层对图像做交叉注意力：其 K/V 来自图像切片，每个请求一次（不随 token 增长），不计入按 token 的 KV；带图请求另需这部分。`,
  'kv.shared': (p) => `${p.shared}/${p.layers} 层复用前面某层的 K/V（KV 共享），自身不缓存。`,
  'weights.mtp': (p) => `检查点还包含多 token 预测（MTP）层（${p.params} 参数）：只有开启投机解码（vLLM \`--speculative-config\` 中 method 设为 mtp）时引擎才加载，这里未计入。`,
  'kv.rope': (p) => `RoPE 扩展（${p.type}）只改变位置编码，不改变每 token 的 KV 字节数：显存只随实际使用的上下文增长。`,
  'context.exceeds': (p) => `${p.context} tokens 超过了 ${p.model} 的最大上下文 ${p.max}。`,
  'capacity.maxSeqs': (p) => `显存还能放更多，但引擎每个副本最多同时运行 ${p.maxSeqs} 个序列（max_num_seqs）。`,
  'layout.replicas': (p) => `${p.gpus} 张 GPU 运行 ${p.replicas} 个独立模型副本（每个 TP${p.tp}），由负载均衡分配用户。`,
  'fit.weights': (p) => `仅权重和固定开销（${p.fixed}）就超过了每张 GPU ${p.budget} 的预算。`,
  'fit.kv': (p) => `${p.users} 个用户 × ${p.context} tokens 的 KV 每张 GPU 需要 ${p.need}；KV 池只有 ${p.pool}（缺 ${p.short}）。`,
  'fit.offload': (p) => `${p.engine} 仍可运行：${p.layers} 层中 ${p.onGpu} 层放在 GPU 上，其余 ${p.host} 的层和 KV 留在主机内存；每个 token 都要等 CPU 内存带宽，解码会慢好几倍。`,
  'perf.spec': (p) =>
    `投机解码（${p.method === 'mtp' ? '模型自带的 MTP 层' : `EAGLE-3 草稿头 ${p.draft}`}）：每步草拟 ${p.k} 个 token，每个被接受的概率为 ${p.accept}%（${p.kind === 'given' ? '按 accept: 指定' : p.kind === 'borrowed' ? '借用 DeepSeek-V3 的数据，本模型未公开；可用 accept: 修改' : '公开数据'}），每次验证平均产出 ${p.length} 个 token；` +
    `验证步每个用户要算 ${Number(p.k) + 1} 个 token，草稿要跑 ${p.k} 次，所以批量越大收益越小。开启后每用户 ${p.perUser} tok/s，不开 ${p.perUserWithout}（单用户：${p.single} 对 ${p.singleWithout}）。代价是每张 GPU ${p.weights} 权重、每个缓存 token 多 ${p.kvPerToken} KV。`,
  'perf.assumptions': (p) =>
    `速度模型（${String(p.engine).replace('llama.cpp runner', 'llama.cpp 运行器')}）：解码按显存带宽的 ${p.mem}% 读取权重和 KV，每层每步另加 ${p.layerUs} µs；GEMM 按张量算力峰值的 ${p.compute}%。负载下每个用户不停地对话：每轮在一段上下文长度的对话上新增 ${p.prompt} token 的提示和 ${p.output} token 的回答（之前的轮次留在前缀缓存中）；提示分块预填充，与解码步骤共用。`,
  'engine.ollama.ctx': (p) => `请把 num_ctx 设为 ${p.context}：Ollama 自 v0.15.5 起按总显存选择默认上下文（23 GiB 以下 4k、47 GiB 以下 32k、以上 256k，且不超过模型上限），这会改变它分配的 KV。`,
  'engine.ollama.parallel': (p) => `Ollama 默认每个模型一次只处理一个请求，除非调大 OLLAMA_NUM_PARALLEL：这里假设 OLLAMA_NUM_PARALLEL=${p.users}，num_ctx ${p.context}。`,
  'engine.vllm': (p) =>
    `vLLM ${p.version} 规则：预算 = ${p.util} × 可见显存 ${p.total}；按 max_num_batched_tokens=${p.tokens}、max_num_seqs=${p.seqs} 做显存剖析；非 torch 显存 ${p.nonTorch}；` +
    (p.inBudget ? `CUDA graph ${p.graphs} 计入预算。` : `CUDA graph（约 ${p.graphs}）在 KV 池之后捕获，占用预算外的余量。`),
  'engine.vllm.encoder': (p) =>
    `vLLM 启动时还会剖析视觉编码器：${p.items} 张 ${p.tokens} token 的假图片（编码器预算 ${p.budget} tokens）；其输出（${p.cache}）在语言模型那一遍中一直缓存，编码器本身峰值 ${p.encoder}，使剖析峰值增加 ${p.added}。\`textonly:true\`（vLLM --language-model-only）可跳过它并省掉视觉塔权重。`,
  'textonly.none': (p) => `textonly：${p.model} 没有视觉或音频塔，结果不变。`,
  'textonly.gguf': (p) => `textonly：${p.engine} 只从单独的 mmproj 文件（--mmproj）加载视觉投影器；不加载它时模型就是纯文本，视觉塔在两种情况下都不计入。`,
  'textonly.unsupported': (p) => `textonly：${p.engine} 没有不加载视觉塔的开关；视觉塔照常加载并计入。`,
  'textonly.on': (p) =>
    p.drops
      ? `纯文本（${p.flag}）：${p.engine} 既不加载视觉塔，也不在启动时剖析编码器；省下的显存留给 KV 缓存，带图片的请求会被拒绝。`
      : `纯文本（${p.flag}）：${p.engine} 启动时不剖析编码器，但这个版本仍会加载视觉塔。`,
  'engine.sglang': (p) => `SGLang 规则：启动后可用显存 ${p.free} 的 mem_fraction_static ${p.fraction} 用于权重和 KV 池；其余留给激活、CUDA graph 和请求表。`,
  'engine.llamacpp': (p) => `llama.cpp 规则：启动时为 ${p.slots} 个槽位各分配 ${p.cells} 个 KV 单元（n_ctx ${p.nCtx}，按 256 对齐）；FlashAttention ${p.fa === 'on' ? '开启' : p.fa === 'off' ? '关闭' : p.fa}，n_ubatch ${p.ubatch}；词嵌入留在主机内存。`,
  'engine.ollama': (p) => `Ollama 规则：启动时为 ${p.slots} 个并行请求各分配 ${p.cells} 个 KV 单元（num_ctx × OLLAMA_NUM_PARALLEL，按 256 对齐）；FlashAttention ${p.fa === 'on' ? '开启' : p.fa === 'off' ? '关闭' : p.fa}；词嵌入留在主机内存。`,
  'engine.tgi': (p) => `TGI 规则（v3.3+）：--cuda-memory-fraction ${p.fraction} × 余量系数 ${p.wiggle}；${p.prefill} tokens 的预热预填充峰值保留；KV 按 1 token 分页（flashinfer）；CUDA graph 随后在剩余显存中捕获。`,
  'engine.transformers': () => 'transformers 规则：不分页，KV 缓存逐 token 增长（DynamicCache），整张卡都是预算；计入预填充激活和 fp32 logits。',
  'engine.ktransformers': (p) => `KTransformers 规则：路由专家（${p.experts}）放在主机内存，注意力、共享专家、稠密层和 KV 放在 GPU。`,
  'quant.gguf': (p) => `${p.quant} 是 llama.cpp 格式；${p.engine} 对 GGUF 的支持是实验性的，engine:llamacpp 的估算最准确。`,
  'hw.fp8': (p) => `${p.gpu} 没有 FP8 张量核心：vLLM 以仅权重方式（Marlin）运行 FP8 权重，显存相同，按 16 位计算。`,
  'quant.mxfp4': () => 'MXFP4 只量化 MoE 专家；这个稠密模型保持 16 位权重。',
  'hw.unified': (p) => `${p.gpu} 没有 CUDA：${p.engine} 无法运行；请用 engine:llamacpp（Metal）或 ollama。`,
  'seed.correction': (p) => String(p.zh ?? ''),
  'hw.fp4': (p) => `${p.gpu} 没有 FP4 张量核心：vLLM 以仅权重方式（FP4 Marlin）运行 NVFP4 权重，显存相同，按 16 位计算。`,
  'hw.fp8.weightOnly': (p) => `${p.gpu} 没有 FP8 张量核心：${p.engine} 以仅权重方式（Marlin）运行 FP8 权重，显存相同，按 16 位计算。`,
  'hw.bf16': (p) => `${p.gpu} 不支持 bf16（sm80 之前）：${p.engine} 以 fp16 运行模型，显存相同。`,
  'quant.gguf.dequant': (p) => `transformers 加载 ${p.quant} GGUF 文件时会反量化为 16 位。`,
  'engine.trtllm': (p) =>
    `TensorRT-LLM 规则（trtllm-serve，PyTorch 后端）：KV = kv_cache_free_gpu_memory_fraction ${p.fraction} × 加载权重、max_num_tokens ${p.tokens} 预热和 ${p.base} CUDA 上下文${p.nccl ? '及 NCCL 缓冲区' : ''}之后的空闲显存；其余 ${Math.round((1 - Number(p.fraction)) * 100)}% 留空（计为开销）；max_batch_size ${p.batch}；每块 ${p.block} tokens。`,
  'perf.host': (p) =>
    p.what === undefined
      ? ''
      : `${p.what === 'experts' ? '路由专家' : '部分层'}放在主机内存：每个解码步骤以 ${p.gbs} GB/s（${p.host}${p.defaulted ? '，默认值；可用 host: 指定' : ''}）读取 ${p.gib} GiB，这决定了速度；预填充时${p.prefill === 'cpu' ? '由 CPU 计算这些专家' : '每 512 token 一批，经 PCIe 把它们复制到 GPU'}。`,
  'capacity.speed': (p) =>
    p.binding === 'speed'
      ? `显存能容纳 ${p.memoryUsers} 个用户；要每人 ${p.tps} tok/s、首 token ${p.ttft} 秒内，${String(p.gpus).replace('×', '× ')} 只能服务 ${p.speedUsers} 个：受速度限制。`
      : `显存能容纳 ${p.memoryUsers} 个用户，且每人都有至少 ${p.tps} tok/s、首 token ${p.ttft} 秒内：受显存限制。`,
  'layout.pd': () =>
    '这个规模值得考虑预填充/解码分离：预填充和解码各用一组 GPU（SGLang `--disaggregation-mode prefill|decode`，vLLM 配合 llm-d / NVIDIA Dynamo），长预填充就不会卡住解码；这里估算的是同时做两者的一组 GPU。',
  'perf.layerSplit': (p) => `按层切分到 ${p.pp} 张 GPU 的模型逐张依次运行：单个提示或单个 token 不会变快，只是显存更多。`,
  'context.rope': (p) =>
    `${p.context} tokens 超过了 ${p.model} 的 max_position_embeddings ${p.max}：启动命令加上 factor ${p.factor} 的 YaRN rope 覆盖。显存按此估算，但超出训练长度后的质量没有保证：模型卡写明支持 YaRN 的模型（Qwen2.5/Qwen3：factor 4 到 128k）表现良好，其他模型处理长输入时准确率会下降，请自行测试。`,
  'context.average': (p) =>
    `按每个用户平均 ${p.avg} tokens 估算（单个请求最多 ${p.max}）：引擎随请求增长分配 KV 块，用完时让其余请求排队或被抢占，所以平均能容纳 ${p.users} 个用户。峰值风险：如果所有用户同时达到 ${p.max} tokens，只有 ${p.peakUsers} 个能同时运行，其余要等待。`,
  'source.storedOther': (p) => `${p.where} 存储的是 ${p.stored} 权重；quant:${p.quant} 是按模型结构估算的，不是从检查点读出的。`,
  'engine.mindie': (p) =>
    `MindIE 规则：KV = NPU_MEMORY_FRACTION ${p.fraction} × ${p.total} − 权重 − 预热工作区（maxPrefillTokens ${p.prefill}，maxBatchSize ${p.batch}）；npuMemSize -1（自动）；每块 ${p.block} tokens。工作区大小没有文档说明：按一次 maxPrefillTokens tokens 的前向计算估算。`,
};

/** Why a layout was not chosen (report.layout.alternatives[].reason), in the reader's language. */
const zhAlt: Record<string, (p: P) => string> = {
  'alt.fits': (p) => `放得下，总计 ${p.total} tok/s（选中的布局 ${p.best}）`,
  'alt.weights': () => '权重和固定开销就放不下',
  'alt.holds': (p) => `这个上下文下只能容纳 ${p.users} 个用户`,
  ...TP_WHY,
};

export function altText(a: { reason: string; reasonCode?: string; reasonParams?: P }, locale: Locale): string {
  const f = isZh(locale) && a.reasonCode ? zhAlt[a.reasonCode] : undefined;
  if (!f || !a.reasonParams) return a.reason;
  const p = a.reasonParams;
  const dp = p.dp === undefined ? '' : a.reasonCode?.startsWith('alt.') ? `DP attention ×${p.dp} + EP：` : 'DP attention：';
  return dp + f(p);
}

/** What a cheap fix does (report.fixes[].effect), in the reader's language. */
const zhFix: Record<string, (p: P) => string> = {
  'fix.kv': (p) => `KV 缓存改用 ${p.to}（每个值 ${p.fromBytes} → ${p.toBytes} B）`,
  'fix.seqs': (p) => `max_num_seqs ${p.from} → ${p.to}（采样峰值更小，CUDA graph 更少）`,
  'fix.util': (p) => `显存比例 ${p.from} → ${p.to}（应对峰值的余量更少）`,
  'fix.context': (p) => `每个用户的上下文限制在 ${p.context} tokens`,
  'fix.dpAttention': () => 'SGLang 的 DP attention（每张 GPU 只保存自己用户的 KV）',
};

/** One fix's phrase in Chinese from its code and params (undefined when there is none). */
function zhFixWhat(code: string, p: P): string | undefined {
  if (code === 'fix.combo') {
    const part = (pre: string) => {
      const own = Object.fromEntries(Object.entries(p).filter(([k]) => k.startsWith(pre)).map(([k, v]) => [k.slice(pre.length), v])) as P;
      return zhFixWhat(String(p[pre.slice(0, 1)]), own);
    };
    const a = part('a_');
    const b = part('b_');
    return a && b ? `${a}，并且${b}` : undefined;
  }
  return zhFix[code]?.(p) ?? (code.startsWith('fix.weights.') ? `权重改用 ${p.quant}` : undefined);
}

export function fixText(f: { code: string; effect: string; fits: boolean; params?: P }, locale: Locale): string {
  const p = f.params;
  const what = isZh(locale) && p ? zhFixWhat(f.code, p) : undefined;
  if (!what || !p) return f.effect;
  return `${what}：${tokens(Number(p.context))} 上下文下 ${p.before} → ${p.after} 个用户，${f.fits ? '放得下' : '仍然不够'}`;
}

const zhLayout: Record<string, (shape: string, n: number, gpus: number) => string> = {
  requested: (shape) => `${shape}（按你的指定）`,
  only: (shape, _n, gpus) => `${shape}：${gpus} 张 GPU 上唯一可行的布局`,
  fastest: (shape, n) => `${shape}：在考虑的 ${n} 种布局中，放得下且解码最快（或相差 10% 以内但余量更大）`,
  closest: (shape) => `${shape}：都放不下，这个最接近（用户最多）`,
};

/** The layout sentence in the reader's language. */
export function layoutText(r: { layout: { reason: string; reasonCode: string; considered: number; tp: number; pp: number; replicas: number }; request: { gpuCount: number } }, locale: Locale): string {
  if (!isZh(locale)) return r.layout.reason;
  const { tp, pp, replicas } = r.layout;
  const shape = `${replicas > 1 ? `${replicas} 个副本 × ` : ''}TP${tp}${pp > 1 ? ` × PP${pp}` : ''}`;
  return (zhLayout[r.layout.reasonCode] ?? (() => r.layout.reason))(shape, r.layout.considered, r.request.gpuCount);
}

export function noteText(n: Note, locale: Locale): string {
  if (isZh(locale) && n.params && zhNotes[n.code]) return zhNotes[n.code](n.params);
  return n.message;
}

/** Abuse-limit notices (src/discord/limits.ts): ephemeral, with the seconds to wait. */
export const LIMIT_TEXT: Record<Lang, { slowDown: (s: string) => string; guildSlowDown: (s: string) => string; busy: string; restarting: string }> = {
  en: {
    slowDown: (s) => `You are asking faster than I can answer. Please wait ${s} s and try again.`,
    guildSlowDown: (s) => `This server is asking faster than I can answer right now. Please wait ${s} s and try again.`,
    busy: 'I am answering a lot of questions right now; please try again in a few seconds.',
    restarting: 'Headroom is restarting; please ask again in a few seconds.',
  },
  'zh-CN': {
    slowDown: (s) => `请求太频繁了，请 ${s} 秒后再试。`,
    guildSlowDown: (s) => `这个服务器的请求太频繁了，请 ${s} 秒后再试。`,
    busy: '现在要回答的问题太多了，请过几秒再试。',
    restarting: 'Headroom 正在重启，请过几秒再问。',
  },
};
